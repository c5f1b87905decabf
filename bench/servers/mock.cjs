// The local Pitchly in its own child (its CPU never counts against a server), driven over IPC.
"use strict";
const { startMockPitchly } = require("express-pitchly/testing");
const { answerIpc, CLIENT_ID, CLIENT_SECRET, REDIRECT_URI } = require("./common.cjs");

async function main() {
  const mock = await startMockPitchly({
    clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: [REDIRECT_URI] }],
  });
  const commands = {
    setFaults: (faults) => mock.setFaults(faults ?? {}),
    // A copy: `stats` is a live object.
    stats: () => JSON.parse(JSON.stringify(mock.stats)),
    resetStats: () => mock.resetStats(),
    cpu: () => process.cpuUsage(),
    exit: async () => {
      await mock.close();
      setTimeout(() => process.exit(0), 20);
      return true;
    },
  };
  answerIpc(commands);
  process.send({ type: "ready", url: mock.url });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
