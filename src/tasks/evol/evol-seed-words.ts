/**
 * Everyday English nouns that seed EvolInstructGenerator's fresh starts: a few are drawn at
 * random and the LLM writes a request that uses them, so generation needs no seed dataset.
 */
export const EVOL_SEED_WORDS: readonly string[] = `
airport algorithm allergy anchor apartment apple archive astronaut bakery balcony bandwidth battery beach bicycle biology birthday blanket bridge
budget butterfly calendar camera candle canyon carpet castle cathedral ceramics chemistry chess climate clock cloud coffee comet compass concert
contract cookbook coral courtroom currency database debate desert diary dinosaur diploma doctor dolphin earthquake economy election elevator embassy
encryption engine essay factory farm festival fingerprint fireplace fishing forest fossil fountain friendship galaxy garden genome glacier grammar
guitar harbor harvest helmet highway history hospital hurricane invoice island jacket journal jungle keyboard kitchen laboratory ladder language
lantern lawyer library lighthouse lottery magnet marathon market medicine microscope migration mirror monastery mortgage mountain museum mushroom
negotiation newspaper notebook ocean orchestra oxygen painting passport pension pharmacy philosophy piano planet poetry pottery printer puzzle pyramid
railway rainforest recipe refrigerator restaurant river robot satellite scholarship sculpture seed server shipwreck skyscraper soccer software
spreadsheet stadium startup statistics submarine sunflower supermarket telescope tennis theater thunderstorm tournament tractor traffic translation
treasure tunnel umbrella university vaccine valley vineyard violin volcano wallet warehouse waterfall website wedding whale wheelchair windmill
workshop yoga zoo
`
  .trim()
  .split(/\s+/);
