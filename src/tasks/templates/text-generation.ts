/**
 * The default prompt of TextGeneration and TextGenerationWithImage (there, the text part beside
 * the image): the `instruction` column as it is. Users replace it with their own Jinja2 template
 * through the `template` option (its variables are the `columns`).
 */
export const TEXT_GENERATION_DEFAULT_TEMPLATE = "{{ instruction }}";
