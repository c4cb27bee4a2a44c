/**
 * mulberry32: a deterministic generator, so a bench run can be repeated with the same data.
 *
 * @param seed any integer.
 * @returns a function giving numbers in [0, 1).
 */
export function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  };
}
