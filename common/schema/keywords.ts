/** Custom JSON-schema keywords our schemas carry for documentation and messages. */
export const X_TYPE = "x-type";
export const X_EXPECT = "x-expect";
