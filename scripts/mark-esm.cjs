// Marks dist/browser as ESM so Node and bundlers read the browser entry without guessing.
require("node:fs").writeFileSync(require("node:path").join(__dirname, "..", "dist", "browser", "package.json"), '{ "type": "module" }\n');
