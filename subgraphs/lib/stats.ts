/** Counts every SQL statement the process sends (tests and the benchmark read it to prove batching). */
export const sqlStats = { statements: 0 };
