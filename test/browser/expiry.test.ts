// expiresIn / isExpired: seconds left and the refresh-leeway rule for browser tokens.
import { expiresIn, isExpired, type BrowserToken } from "express-pitchly/browser";

const NOW = Date.UTC(2025, 0, 1);
const tokenAt = (expiresAt: number): BrowserToken => ({ accessToken: "t", tokenType: "Bearer", expiresAt });

describe("expiresIn", () => {
  it("counts whole seconds left, rounding down", () => {
    expect(expiresIn(tokenAt(NOW + 7_200_000), NOW)).toBe(7200);
    expect(expiresIn(tokenAt(NOW + 1_999), NOW)).toBe(1);
  });

  it("never goes below zero, also for a malformed expiresAt", () => {
    expect(expiresIn(tokenAt(NOW - 60_000), NOW)).toBe(0);
    expect(expiresIn(tokenAt(Number.NaN), NOW)).toBe(0);
  });

  it("defaults now to the current time", () => {
    const left = expiresIn(tokenAt(Date.now() + 100_000));
    expect(left).toBeGreaterThanOrEqual(98);
    expect(left).toBeLessThanOrEqual(100);
  });
});

describe("isExpired", () => {
  it("treats a token within the default 60 s leeway as expired", () => {
    expect(isExpired(tokenAt(NOW + 60_000), undefined, NOW)).toBe(true);
    expect(isExpired(tokenAt(NOW + 61_000), undefined, NOW)).toBe(false);
  });

  it("honours a custom leeway, including none", () => {
    expect(isExpired(tokenAt(NOW + 30_000), 0, NOW)).toBe(false);
    expect(isExpired(tokenAt(NOW), 0, NOW)).toBe(true);
    expect(isExpired(tokenAt(NOW + 200_000), 300, NOW)).toBe(true);
  });

  it("says expired for a malformed expiresAt and for the past", () => {
    expect(isExpired(tokenAt(Number.NaN), 0, NOW)).toBe(true);
    expect(isExpired(tokenAt(NOW - 1), 0, NOW)).toBe(true);
  });
});
