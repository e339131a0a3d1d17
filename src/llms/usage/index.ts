export {
  addUsage,
  modelUsageSchema,
  usageByModelSchema,
  usageKey,
  usageTotalsSchema,
  UsageRecorder,
  type ModelUsage,
  type UsageByModel,
  type UsageCall,
  type UsageTotals,
} from "./usage.js";
export { countUsage } from "./count-usage.js";
export { usageReport, usageTotals } from "./usage-totals.js";
