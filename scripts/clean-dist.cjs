// Empties dist/ before a build, so a file deleted or moved in src/ can never ship as a stale copy.
require("node:fs").rmSync(require("node:path").join(__dirname, "..", "dist"), { recursive: true, force: true });
