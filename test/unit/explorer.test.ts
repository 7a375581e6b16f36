import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { explorerData, explorerPage, OPERATIONS_DIR, type ExplorerData } from '../../gateway/explorer';

/**
 * The GraphiQL page's own script, run in a stub browser (no real browser on these machines): what
 * it hands to GraphiQL and how it treats tabs stored by an older page.
 */
function fakeLocalStorage(initial: Record<string, string>) {
  const m = new Map(Object.entries(initial));
  return {
    map: m,
    get length() { return m.size; },
    key: (i: number) => [...m.keys()][i] ?? null,
    getItem: (k: string) => m.get(k) ?? null,
    setItem: (k: string, v: string) => void m.set(k, String(v)),
    removeItem: (k: string) => void m.delete(k),
  };
}

function runPage(html: string, localStorage: unknown) {
  const data = /<script type="application\/json" id="explorer-data">([\s\S]*?)<\/script>/.exec(html)![1]!;
  const inline = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
  expect(inline).toHaveLength(1);
  let rendered: { type: unknown; props: any } | null = null;
  const GraphiQL = Object.assign(() => null, { createFetcher: (o: { url: string }) => ({ fetcherFor: o.url }) });
  runInNewContext(inline[0]!, {
    document: { getElementById: (id: string) => (id === 'explorer-data' ? { textContent: data } : { id }) },
    localStorage,
    GraphiQL,
    React: { createElement: (type: unknown, props: unknown) => ({ type, props }) },
    ReactDOM: { createRoot: () => ({ render: (el: typeof rendered) => (rendered = el) }) },
  });
  if (!rendered) throw new Error('the page rendered nothing');
  return { ...(rendered as { type: unknown; props: any }), GraphiQL };
}

it('hands GraphiQL the default tab and one tab per operation, fetching from /graphql', () => {
  const data = explorerData();
  const { type, props, GraphiQL } = runPage(explorerPage(data), fakeLocalStorage({}));
  expect(type).toBe(GraphiQL);
  expect(props.defaultTabs).toEqual(data.tabs);
  expect(props.fetcher).toEqual({ fetcherFor: '/graphql' });
  expect(data.tabs[0]!.query).toMatch(/^query DisclosureBoard/m);
  expect(data.tabs.slice(1).map((t) => /^query (\w+)/m.exec(t.query)![1])).toEqual(['CooperativeDetail', 'CountyDashboard', 'MemberDetail', 'RegionDashboard', 'UnionDashboard']);
});

it('keys stored tabs by the tabs\' version: an older page\'s tabs are dropped, history and settings kept', () => {
  const data = explorerData();
  const ls = fakeLocalStorage({
    'graphiql:tabState': '{"old": true}',
    'graphiql:tabState:0123456789ab': '{"older": true}',
    'graphiql:queries': '[history]',
    'other-app': 'x',
  });
  const { props } = runPage(explorerPage(data), ls);
  expect([...ls.map.keys()].sort()).toEqual(['graphiql:queries', 'other-app']);
  props.storage.setItem('graphiql:tabState', '{"tabs": []}');
  expect(ls.map.get(`graphiql:tabState:${data.version}`)).toBe('{"tabs": []}');
  expect(props.storage.getItem('graphiql:tabState')).toBe('{"tabs": []}');
  expect(props.storage.getItem('graphiql:queries')).toBe('[history]');
  // a reload with the same tabs keeps what the visitor edited
  runPage(explorerPage(data), ls);
  expect(ls.map.get(`graphiql:tabState:${data.version}`)).toBe('{"tabs": []}');
  props.storage.clear();
  expect([...ls.map.keys()]).toEqual(['other-app']);
});

it('works without localStorage (GraphiQL then stores nothing)', () => {
  const throwing = { get length(): number { throw new Error('SecurityError'); } };
  expect(runPage(explorerPage(explorerData()), throwing).props.storage).toBeNull();
});

it('embeds data that cannot end the script early', () => {
  const hostile: ExplorerData = { tabs: [{ query: '# </script><script>alert(1)</script>\n{ __typename }', variables: '{"a": "<!--"}' }], version: 'v' };
  const html = explorerPage(hostile);
  expect(html.match(/<\/script>/g)).toHaveLength(5); // the data block, three assets, the page script
  expect(runPage(html, fakeLocalStorage({})).props.defaultTabs).toEqual(hostile.tabs);
});

it('changes version when an operation or its variables change, and refuses variables of no operation', () => {
  const dir = mkdtempSync(join(tmpdir(), 'explorer-ops-'));
  try {
    cpSync(OPERATIONS_DIR, dir, { recursive: true });
    const a = explorerData(dir);
    expect(a.version).toMatch(/^[0-9a-f]{12}$/);
    expect(explorerData(dir).version).toBe(a.version);
    const vars = JSON.parse(readFileSync(join(dir, 'variables.json'), 'utf8'));
    writeFileSync(join(dir, 'variables.json'), JSON.stringify({ ...vars, MemberDetail: { memberId: '1', asOf: '2026-11-27' } }));
    expect(explorerData(dir).version).not.toBe(a.version);
    writeFileSync(join(dir, 'variables.json'), JSON.stringify({ ...vars, MemberDetai: {} }));
    expect(() => explorerData(dir)).toThrow('names MemberDetai, which is not an operation');
    writeFileSync(join(dir, 'variables.json'), JSON.stringify({ ...vars, MemberDetail: [{ memberId: '1' }] }));
    expect(() => explorerData(dir)).toThrow('MemberDetail must map to one object');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
