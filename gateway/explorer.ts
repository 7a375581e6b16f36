import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Kind, parse } from 'graphql';
import { ROOT } from '../subgraphs/lib/config';

/**
 * GraphiQL served from npm packages (no CDN: these machines have no internet), at `/`.
 * Assets, the named operations and their variables are read once at start-up.
 */
const ASSETS: Record<string, { file: string; type: string }> = {
  '/explorer/react.js': { file: 'node_modules/react/umd/react.production.min.js', type: 'text/javascript' },
  '/explorer/react-dom.js': { file: 'node_modules/react-dom/umd/react-dom.production.min.js', type: 'text/javascript' },
  '/explorer/graphiql.js': { file: 'node_modules/graphiql/graphiql.min.js', type: 'text/javascript' },
  '/explorer/graphiql.css': { file: 'node_modules/graphiql/graphiql.min.css', type: 'text/css' },
};

export const OPERATIONS_DIR = join(ROOT, 'schema', 'operations');

/** A GraphiQL 3 tab (`defaultTabs`): both editors' text. */
export interface ExplorerTab {
  query: string;
  variables?: string;
}

/** What the page hands to GraphiQL; also what the tests read back out of the page. */
export interface ExplorerData {
  tabs: ExplorerTab[];
  /** Hash of the tabs: stored tabs of another version are not restored (see the page script). */
  version: string;
}

/** The `npm run token` line that suits an operation: region-wide ones need REGION, the rest work for the demo county's office. */
export function tokenCommandFor(operationName: string): string {
  return operationName.startsWith('Region') ? 'npm run token -- --role REGION' : 'npm run token -- --role COUNTY --county 1';
}

// The only tab that answers without a token, so the first click works before anyone has one.
// Only fields that every version of the board keeps (id, kind, on, nameMasked, amount).
const DEFAULT_QUERY = `# 公示栏无需令牌。其他标签页是 schema/operations/ 中的命名查询,需要令牌(各页第一行写明),例如:
#   ${tokenCommandFor('CountyDashboard')}
# 再在下方 Headers 中填写 {"Authorization": "Bearer <令牌>"}
# The public disclosure board needs no token. The other tabs, the named operations of
# schema/operations/, need one (each names its own in its first line), e.g. the command above;
# then put {"Authorization": "Bearer <token>"} in Headers below.
query DisclosureBoard {
  disclosureBoard(cooperativeId: "1", first: 10) {
    totalCount
    edges { node { id kind on nameMasked amount purposeZh } }
  }
}
`;

/**
 * The default tab, then one tab per named query of schema/operations/*.graphql (file order) with its
 * variables from variables.json. No token is ever put in a tab: the page is served to anyone.
 */
export function explorerData(dir = OPERATIONS_DIR): ExplorerData {
  const raw = JSON.parse(readFileSync(join(dir, 'variables.json'), 'utf8')) as Record<string, unknown>;
  const tabs: ExplorerTab[] = [{ query: DEFAULT_QUERY }];
  const names = new Set<string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.graphql')).sort()) {
    const text = readFileSync(join(dir, file), 'utf8');
    for (const d of parse(text).definitions) {
      if (d.kind !== Kind.OPERATION_DEFINITION || !d.name) continue;
      const name = d.name.value;
      names.add(name);
      const vars = raw[name];
      if (vars !== undefined && (!vars || typeof vars !== 'object' || Array.isArray(vars))) {
        throw new Error(`schema/operations/variables.json: ${name} must map to one object of variables`);
      }
      tabs.push({
        query: `# 令牌 / token: ${tokenCommandFor(name)}  → Headers {"Authorization": "Bearer <token>"}\n${text}`,
        ...(vars ? { variables: JSON.stringify(vars, null, 2) } : {}),
      });
    }
  }
  for (const k of Object.keys(raw)) {
    if (!k.startsWith('$') && !names.has(k)) throw new Error(`schema/operations/variables.json names ${k}, which is not an operation of schema/operations/`);
  }
  const version = createHash('sha256').update(JSON.stringify(tabs)).digest('hex').slice(0, 12);
  return { tabs, version };
}

/** JSON that is safe inside a <script> element: no `<`, so neither `</script>` nor `<!--` can end it early. */
const scriptJson = (value: unknown): string => JSON.stringify(value).replace(/</g, '\\u003c');

export function explorerPage(data: ExplorerData): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8" />
<title>宁夏互助资金 GraphQL / Ningxia Mutual-Aid GraphQL</title>
<link rel="stylesheet" href="/explorer/graphiql.css" />
<style>body{margin:0;height:100vh}#graphiql{height:100vh}</style>
</head>
<body>
<div id="graphiql">加载中… / Loading…</div>
<script type="application/json" id="explorer-data">${scriptJson(data)}</script>
<script src="/explorer/react.js"></script>
<script src="/explorer/react-dom.js"></script>
<script src="/explorer/graphiql.js"></script>
<script>
  var data = JSON.parse(document.getElementById('explorer-data').textContent);
  // GraphiQL restores the tabs it stored over defaultTabs: key them by this version, so a visitor
  // of an older page (whose default query may no longer run) gets the current tabs.
  var TABS = 'graphiql:tabState';
  var key = function (k) { return k === TABS ? TABS + ':' + data.version : k; };
  var storage = null;
  try {
    for (var i = localStorage.length - 1; i >= 0; i--) {
      var k = localStorage.key(i);
      if (k && k.indexOf(TABS) === 0 && k !== key(TABS)) localStorage.removeItem(k);
    }
    storage = {
      getItem: function (k) { return localStorage.getItem(key(k)); },
      setItem: function (k, v) { localStorage.setItem(key(k), v); },
      removeItem: function (k) { localStorage.removeItem(key(k)); },
      clear: function () {
        for (var i = localStorage.length - 1; i >= 0; i--) {
          var k = localStorage.key(i);
          if (k && k.indexOf('graphiql:') === 0) localStorage.removeItem(k);
        }
      },
      get length() { return localStorage.length; }
    };
  } catch (e) { /* no localStorage (some private modes throw): null makes GraphiQL keep nothing */ }
  ReactDOM.createRoot(document.getElementById('graphiql')).render(
    React.createElement(GraphiQL, {
      fetcher: GraphiQL.createFetcher({ url: '/graphql' }),
      defaultTabs: data.tabs,
      defaultEditorToolsVisibility: true,
      storage: storage
    }));
</script>
</body>
</html>`;
}

export function explorerRoute(enabled: boolean) {
  const cache = new Map<string, Buffer>();
  let html = '';
  if (enabled) {
    for (const [path, a] of Object.entries(ASSETS)) cache.set(path, readFileSync(join(ROOT, a.file)));
    html = explorerPage(explorerData());
  }
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    if (!enabled || req.method !== 'GET') return false;
    const path = (req.url ?? '/').split('?')[0]!;
    if (path === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(html);
      return true;
    }
    const asset = ASSETS[path];
    if (asset) {
      res.writeHead(200, { 'content-type': asset.type, 'cache-control': 'public, max-age=3600' });
      res.end(cache.get(path));
      return true;
    }
    return false;
  };
}
