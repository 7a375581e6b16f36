import { borrowerOverdue, renderExport } from './credit.rules';

describe('borrowerOverdue', () => {
  it.each([
    ['no loans', [], { overdue: false, daysOverdue: 0 }],
    ['one loan not overdue', [{ overdue: false, daysOverdue: 0 }], { overdue: false, daysOverdue: 0 }],
    ['one loan overdue', [{ overdue: true, daysOverdue: 46 }], { overdue: true, daysOverdue: 46 }],
    ['the largest days of the overdue loans', [{ overdue: true, daysOverdue: 3 }, { overdue: false, daysOverdue: 0 }, { overdue: true, daysOverdue: 120 }], { overdue: true, daysOverdue: 120 }],
    // days of a loan that is not overdue never count (a written-off loan is not overdue)
    ['days of a loan not overdue ignored', [{ overdue: false, daysOverdue: 99 }, { overdue: true, daysOverdue: 5 }], { overdue: true, daysOverdue: 5 }],
    ['overdue on its due day + 0 days', [{ overdue: true, daysOverdue: 0 }], { overdue: true, daysOverdue: 0 }],
  ])('%s', (_what, loans, want) => expect(borrowerOverdue(loans)).toEqual(want));
});

describe('renderExport', () => {
  const rows = [{ a: 1, b: 'x,y', c: true }, { a: 2, b: 'say "hi"', c: false }, { a: 3, b: 'two\nlines', c: null }];
  it.each([
    ['CSV quotes commas, quotes and line breaks', rows, 'CSV', 'a,b,c\n1,"x,y",true\n2,"say ""hi""",false\n3,"two\nlines",\n'],
    ['CSV of no rows is the header', [], 'CSV', 'a,b,c\n'],
    ['JSONL keeps types, one object a line', rows.slice(0, 1), 'JSONL', '{"a":1,"b":"x,y","c":true}\n'],
    ['JSONL of no rows is empty', [], 'JSONL', ''],
  ] as const)('%s', (_what, rs, format, want) => expect(renderExport(rs as readonly (typeof rows)[number][], ['a', 'b', 'c'], format)).toBe(want));
});
