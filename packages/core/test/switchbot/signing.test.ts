import { describe, expect, it } from "vitest";
import { signedHeaders, switchBotSignature } from "../../src/switchbot/signing";

// Reference §1.5: computed independently with python3 hmac and node crypto.
describe("SwitchBot request signing", () => {
  it("matches vector A (96-hex token, 32-hex secret, UUID nonce)", () => {
    const sign = switchBotSignature({
      token: "0123456789abcdef".repeat(6),
      secret: "fedcba9876543210".repeat(2),
      t: "1700000000000",
      nonce: "6f1c2b3a-4d5e-4f60-8a71-92b3c4d5e6f7",
    });
    expect(sign).toBe("aEjaOgYRgKF+F+kaXcBXaO5Dshcu7YhTNZSlLGG7PTA=");
    expect(Buffer.from(sign, "base64").toString("hex")).toBe("6848da3a061180a17e17e91a5dc05768ee43b2172eed88533594a52c61bb3d30");
  });

  it("matches vector B and sends plain (not upper-cased) base64", () => {
    expect(switchBotSignature({ token: "token", secret: "secret", t: "1700000000000", nonce: "nonce" })).toBe(
      "Ho/pm1Q6hyf9kroxzCu/cSBo7lGKad4tesq6eb2CpUg=",
    );
  });

  it("builds lower-case headers whose t is the one inside the signature", () => {
    const headers = signedHeaders({ token: "token", secret: "secret" }, 1_700_000_000_000.7, "nonce");
    expect(Object.keys(headers).every((name) => name === name.toLowerCase())).toBe(true);
    expect(headers).toMatchObject({ authorization: "token", t: "1700000000000", nonce: "nonce", sign: "Ho/pm1Q6hyf9kroxzCu/cSBo7lGKad4tesq6eb2CpUg=" });
  });

  it("uses a fresh random nonce per request by default", () => {
    const a = signedHeaders({ token: "token", secret: "secret" }, 1);
    const b = signedHeaders({ token: "token", secret: "secret" }, 1);
    expect(a.nonce).not.toBe(b.nonce);
    expect(a.sign).not.toBe(b.sign);
  });
});
