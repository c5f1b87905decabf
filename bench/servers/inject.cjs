// Drives an Express app without sockets: a GET through its real request pipeline on a fake socket.
"use strict";
const http = require("node:http");
const { Duplex } = require("node:stream");

class NullSocket extends Duplex {
  constructor() {
    super();
    this.remoteAddress = "127.0.0.1";
  }
  _read() {}
  _write(_chunk, _enc, cb) {
    cb();
  }
}

/** One GET through the app's real request pipeline; resolves to the finished ServerResponse. */
function inject(app, url, cookie) {
  return new Promise((resolve) => {
    const socket = new NullSocket();
    const req = new http.IncomingMessage(socket);
    Object.assign(req, { method: "GET", url, httpVersionMajor: 1, httpVersionMinor: 1, httpVersion: "1.1", complete: true });
    req.headers = cookie ? { host: "localhost", cookie } : { host: "localhost" };
    req.push(null);
    const res = new http.ServerResponse(req);
    res.assignSocket(socket);
    res.on("finish", () => resolve(res));
    app(req, res);
  });
}

const cookieOf = (res) => /^(connect\.sid=[^;]+)/.exec([res.getHeader("set-cookie") ?? []].flat()[0] ?? "")?.[1];

/** The browser's part of a sign-in, against the local Pitchly over HTTP: consent page, approve; the callback URL. */
async function consent(authorize) {
  const html = await (await fetch(authorize)).text();
  const tx = /name="tx" value="([^"]+)"/.exec(html)[1];
  const decision = await fetch(new URL("/oauth/authorize/decision", authorize), {
    method: "POST",
    body: new URLSearchParams({ tx, decision: "approve" }),
    redirect: "manual",
  });
  return new URL(decision.headers.get("location"));
}

module.exports = { inject, cookieOf, consent };
