/**
 * TextGenerationWithImage's default prompt: the `instruction` column as it is, sent as the text
 * part beside the image. Users replace it with their own Jinja2 template through the `template`
 * option (its variables are the `columns`).
 */
export const TEXT_GENERATION_WITH_IMAGE_DEFAULT_TEMPLATE = "{{ instruction }}";
