// Marks dist/browser as ESM so Node and bundlers read the browser entry without guessing; bundlers read
// sideEffects from the nearest package.json, which for these files is this one, so it repeats the root's.
require("node:fs").writeFileSync(
  require("node:path").join(__dirname, "..", "dist", "browser", "package.json"),
  '{ "type": "module", "sideEffects": false }\n',
);
