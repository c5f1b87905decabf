// Prettier: the house style as it was written by hand before the formatter came (measured on the tree, not a taste).
/** @type {import("prettier").Config} */
export default {
  // Lines run to about 130 characters in src/ and test/; 80 would rewrap most of the code.
  printWidth: 130,
  semi: true,
  singleQuote: false,
  trailingComma: "all",
  arrowParens: "always",
  // The demo's html`…` and css`…` templates are laid out by hand to read like the page; leave their insides alone.
  embeddedLanguageFormatting: "off",
};
