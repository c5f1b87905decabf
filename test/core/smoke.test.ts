import { x } from "express-pitchly";
import express from "express";
test("smoke", () => { expect(x).toBe(1); expect(typeof express.Router).toBe("function"); });
