import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ROOT } from '../subgraphs/lib/config';

/**
 * GraphiQL served from npm packages (no CDN: these machines have no internet), at `/`.
 * Assets are read once at start-up.
 */
const ASSETS: Record<string, { file: string; type: string }> = {
  '/explorer/react.js': { file: 'node_modules/react/umd/react.production.min.js', type: 'text/javascript' },
  '/explorer/react-dom.js': { file: 'node_modules/react-dom/umd/react-dom.production.min.js', type: 'text/javascript' },
  '/explorer/graphiql.js': { file: 'node_modules/graphiql/graphiql.min.js', type: 'text/javascript' },
  '/explorer/graphiql.css': { file: 'node_modules/graphiql/graphiql.min.css', type: 'text/css' },
};

const PAGE = `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8" />
<title>宁夏互助资金 GraphQL / Ningxia Mutual-Aid GraphQL</title>
<link rel="stylesheet" href="/explorer/graphiql.css" />
<style>body{margin:0;height:100vh}#graphiql{height:100vh}</style>
</head>
<body>
<div id="graphiql">加载中… / Loading…</div>
<script src="/explorer/react.js"></script>
<script src="/explorer/react-dom.js"></script>
<script src="/explorer/graphiql.js"></script>
<script>
  var fetcher = GraphiQL.createFetcher({ url: '/graphql' });
  var defaultQuery = '# 在“Headers”中填写 {"Authorization": "Bearer <token>"}(npm run token -- --role COUNTY --county 1)\\n' +
    '# Put {"Authorization": "Bearer <token>"} in Headers (npm run token -- --role COUNTY --county 1)\\n' +
    'query CountyDashboard($countyId: ID!, $asOf: LocalDate!) {\\n  county(id: $countyId) {\\n    nameZh\\n    cooperatives {\\n      nameZh\\n      memberCount\\n      registeredPoorCount\\n      portfolio(asOf: $asOf) { outstanding repaymentRateBp par30Bp }\\n      fund { bankDeposit lendableNow }\\n    }\\n  }\\n}\\n';
  ReactDOM.createRoot(document.getElementById('graphiql')).render(
    React.createElement(GraphiQL, { fetcher: fetcher, defaultQuery: defaultQuery,
      defaultVariableEditorOpen: true, variables: '{"countyId": "1", "asOf": "2026-11-27"}' }));
</script>
</body>
</html>`;

export function explorerRoute(enabled: boolean) {
  const cache = new Map<string, Buffer>();
  if (enabled) for (const [path, a] of Object.entries(ASSETS)) cache.set(path, readFileSync(join(ROOT, a.file)));
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    if (!enabled || req.method !== 'GET') return false;
    const path = (req.url ?? '/').split('?')[0]!;
    if (path === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(PAGE);
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
