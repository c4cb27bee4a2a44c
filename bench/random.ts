// The benches draw their data from the one seeded generator (server/utils/random.ts), so a bench
// run can be repeated with the same data.
export { seededRandom as random } from "../server/utils/random.ts";
