import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arrayLiteral, insertByUnnest } from '../src/db/repositories/bulk.js';
import { outbox } from '../src/db/schema.js';
import { BACKENDS, openTestDb, type TestDb } from './helpers.js';

// Bulk inserts send each column as one array literal built by arrayLiteral (not by the driver):
// whatever a report's text holds (quotes, backslashes, braces, commas, the word NULL, blanks),
// the database must read back exactly what was sent.

const tricky = fc.constantFrom('', ' ', 'NULL', 'null', '"', '\\', '\\"', '{', '}', ',', '{a,b}', '"NULL"', ' spasi ', 'tab\there', 'baris\nbaru', "kutip 'tunggal'", 'Ñ é ü 漢字 🙂');
const text = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 20 }), fc.string({ unit: 'binary', maxLength: 12 }), tricky).map((s) => s.replace(/\0/g, ''));

describe('arrayLiteral', () => {
  it('quotes every text element and escapes only quotes and backslashes', () => {
    expect(arrayLiteral(['a', null, 'b"c', 'd\\e', undefined])).toBe('{"a",NULL,"b\\"c","d\\\\e",NULL}');
    expect(arrayLiteral([1, 2.5, true, false, 10n])).toBe('{"1","2.5","true","false","10"}');
    expect(arrayLiteral([])).toBe('{}');
  });

  it('writes dates as ISO instants and plain objects as their JSON, as the driver would', () => {
    expect(arrayLiteral([new Date('2026-11-24T01:02:03.004Z'), { a: 'b' }])).toBe('{"2026-11-24T01:02:03.004Z","{\\"a\\":\\"b\\"}"}');
  });
});

describe.each(BACKENDS)('array literals read back on %s', (backend) => {
  let db: TestDb;
  beforeAll(async () => {
    db = await openTestDb(backend);
  });
  afterAll(async () => db?.dispose());

  it('text arrays, with NULLs, arrive exactly as sent', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.option(text, { nil: null }), { maxLength: 30 }), async (values) => {
        const [row] = await db.handle.query<{ a: (string | null)[] }>('SELECT $1::text[] AS a', [arrayLiteral(values)]);
        expect(row!.a).toEqual(values);
      }),
      { numRuns: 150 },
    );
  });

  it('numbers and booleans arrive as the typed values', async () => {
    const [row] = await db.handle.query<{ i: number[]; f: number[]; b: boolean[] }>('SELECT $1::int[] AS i, $2::float8[] AS f, $3::bool[] AS b', [
      arrayLiteral([1, -2, null, 2147483647]),
      arrayLiteral([0.1, -7.705, 1e-9]),
      arrayLiteral([true, false, null]),
    ]);
    expect(row).toEqual({ i: [1, -2, null, 2147483647], f: [0.1, -7.705, 1e-9], b: [true, false, null] });
  });

  it('bulk inserts keep text, JSON and text-array columns exactly, with defaults for what rows leave out', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ topic: text, note: fc.option(text, { nil: null }), recipients: fc.option(fc.array(text, { maxLength: 4 }), { nil: undefined }) }), { minLength: 1, maxLength: 8 }),
        async (rows) => {
          const mark = `t${Math.random().toString(36).slice(2)}`;
          await insertByUnnest(
            db.handle.db,
            outbox,
            rows.map((r) => ({ provinceCode: '33', topic: r.topic, regionCode: mark, payload: { note: r.note, nested: [r.topic] }, ...(r.recipients ? { recipients: r.recipients } : {}) })),
          );
          const back = await db.handle.query<{ topic: string; payload: unknown; recipients: string[] }>('SELECT topic, payload, recipients FROM outbox WHERE region_code = $1 ORDER BY id', [mark]);
          expect(back).toEqual(rows.map((r) => ({ topic: r.topic, payload: { note: r.note, nested: [r.topic] }, recipients: r.recipients ?? [] })));
        },
      ),
      { numRuns: 60 },
    );
  });
});
