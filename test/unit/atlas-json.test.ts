import { integerString, parseJson, quoteUnsafeIntegers } from "../../provider/atlas/json";

describe("big-integer safe JSON", () => {
  it("keeps a serial above 2^53 exact as a decimal string", () => {
    const body = parseJson('{"results":[{"_id":1976722359483124370,"subject":"CN=user389"}]}');
    expect(body).toEqual({ results: [{ _id: "1976722359483124370", subject: "CN=user389" }] });
  });

  it("leaves safe integers as numbers, right up to the boundary", () => {
    expect(parseJson("[9007199254740991,-9007199254740991,0,-0,42]")).toEqual([
      9007199254740991, -9007199254740991, 0, -0, 42,
    ]);
  });

  it("quotes integers just outside the safe range, positive and negative", () => {
    expect(parseJson("[9007199254740992,-9007199254740992,9007199254740993]")).toEqual([
      "9007199254740992",
      "-9007199254740992",
      "9007199254740993",
    ]);
    expect(parseJson("-18446744073709551615")).toBe("-18446744073709551615");
  });

  it("never touches digits inside strings, escaped quotes included", () => {
    const text = '{"a":"12345678901234567890","b":"say \\"98765432109876543210\\" twice","c\\\\":99999999999999999999}';
    expect(parseJson(text)).toEqual({
      a: "12345678901234567890",
      b: 'say "98765432109876543210" twice',
      "c\\": "99999999999999999999",
    });
  });

  it("leaves fractions and exponent forms to JSON.parse, however large", () => {
    expect(parseJson("[12345678901234567890.5, 1e21, 12345678901234567890E2, -1.5e-3]")).toEqual([
      Number("12345678901234567890.5"),
      1e21,
      Number("12345678901234567890E2"),
      -1.5e-3,
    ]);
  });

  it("handles nesting, whitespace and big numbers in every position", () => {
    const text = '{ "x" : [ { "y" : [ 12345678901234567890 , { "z" :\n\t-12345678901234567890 } ] } ] }';
    expect(parseJson(text)).toEqual({ x: [{ y: ["12345678901234567890", { z: "-12345678901234567890" }] }] });
  });

  it("does not make invalid JSON valid (a bare number as a key, leading zeros)", () => {
    expect(() => parseJson("{12345678901234567890: 1}")).toThrow(SyntaxError);
    expect(() => parseJson("[0012345678901234567890]")).toThrow(SyntaxError);
    expect(() => parseJson('{"a": 12345678901234567890')).toThrow(SyntaxError);
  });

  it("rewrites nothing but the unsafe literals", () => {
    const text = '{"s":"-1","n":12345678901234567890,"f":1.0,"t":true,"u":"\\u0031"}';
    expect(quoteUnsafeIntegers(text)).toBe('{"s":"-1","n":"12345678901234567890","f":1.0,"t":true,"u":"\\u0031"}');
  });

  it("turns integer fields into exact decimal strings and refuses anything else", () => {
    expect(integerString(42)).toBe("42");
    expect(integerString("12345678901234567890")).toBe("12345678901234567890");
    expect(integerString(2 ** 60)).toBeUndefined();
    expect(integerString(1.5)).toBeUndefined();
    expect(integerString("12a")).toBeUndefined();
    expect(integerString(null)).toBeUndefined();
  });
});
