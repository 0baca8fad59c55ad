/** Whether a parsed JSON value is an object (`{…}`), the shape every JSON body and stored document must have at its top. */
export const isJsonObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value);
