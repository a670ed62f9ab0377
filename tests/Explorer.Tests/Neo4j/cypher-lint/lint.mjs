// Lints Cypher statements with Neo4j's own Cypher front end (@neo4j-cypher/language-support: the parser plus
// semantic analysis, e.g. "Variable `b` not defined", unknown functions, wrong procedure arguments).
//   node lint.mjs statements.json   ->  prints a JSON array of diagnostics on stdout
// statements.json: { "statements": [{ "name", "statement" }], "schema": { labels, relationshipTypes, propertyKeys, parameters } }
// The functions and procedures the statements may call are declared below with their real signatures, so a
// call to anything else, or with the wrong arguments, is reported.
import { readFileSync } from 'node:fs';
import { lintCypherQuery } from '@neo4j-cypher/language-support';

const arg = (name, type, defaultValue) => ({ name, description: name, type, isDeprecated: false, ...(defaultValue === undefined ? {} : { default: defaultValue }) });

const fn = (name, args, returns, aggregating = false) => ({
  name, category: '', description: name, isBuiltIn: true, argumentDescription: args,
  returnDescription: returns, signature: `${name}(${args.map((a) => `${a.name} :: ${a.type}`).join(', ')}) :: ${returns}`,
  aggregating, isDeprecated: false,
});

const proc = (name, args, returns, mode = 'READ') => ({
  name, description: name, mode, worksOnSystem: false, argumentDescription: args, returnDescription: returns,
  signature: `${name}(${args.map((a) => `${a.name} :: ${a.type}`).join(', ')}) :: (${returns.map((r) => `${r.name} :: ${r.type}`).join(', ')})`,
  admin: false, option: { deprecated: false },
});

const functions = [
  fn('count', [arg('input', 'ANY')], 'INTEGER', true),
  fn('type', [arg('input', 'RELATIONSHIP')], 'STRING'),
  fn('startNode', [arg('input', 'RELATIONSHIP')], 'NODE'),
  fn('endNode', [arg('input', 'RELATIONSHIP')], 'NODE'),
  fn('nodes', [arg('input', 'PATH')], 'LIST<NODE>'),
  fn('relationships', [arg('input', 'PATH')], 'LIST<RELATIONSHIP>'),
  fn('size', [arg('input', 'LIST<ANY>')], 'INTEGER'),
  fn('range', [arg('start', 'INTEGER'), arg('end', 'INTEGER')], 'LIST<INTEGER>'),
  // The as-of tests (Cypher.Holds, HoldsEdge) and the "no path" check (ShortestHops*).
  fn('left', [arg('original', 'STRING'), arg('length', 'INTEGER')], 'STRING'),
  fn('split', [arg('original', 'STRING'), arg('splitDelimiter', 'STRING')], 'LIST<STRING>'),
  fn('coalesce', [arg('input', 'ANY')], 'ANY'),
  fn('length', [arg('input', 'PATH')], 'INTEGER'),
  fn('head', [arg('list', 'LIST<ANY>')], 'ANY'),
  fn('max', [arg('input', 'ANY')], 'ANY', true),
  // The date range of the time slider (Cypher.NodeDateRange, EdgeDateRange).
  fn('min', [arg('input', 'ANY')], 'ANY', true),
];

const procedures = [
  proc('db.index.fulltext.queryNodes',
    [arg('indexName', 'STRING'), arg('queryString', 'STRING'), arg('options', 'MAP', 'DefaultParameterValue{value={}, type=MAP}')],
    [arg('node', 'NODE'), arg('score', 'FLOAT')]),
  proc('db.awaitIndexes', [arg('timeOutSeconds', 'INTEGER', 'DefaultParameterValue{value=300, type=INTEGER}')], []),
  proc('dbms.components', [], [arg('name', 'STRING'), arg('versions', 'LIST<STRING>'), arg('edition', 'STRING')], 'DBMS'),
];

const registry = (items) => Object.fromEntries(items.map((item) => [item.name, item]));

const input = JSON.parse(readFileSync(process.argv[2] ?? 0, 'utf8'));
const schema = {
  ...input.schema,
  functions: { 'CYPHER 5': registry(functions), 'CYPHER 25': registry(functions) },
  procedures: { 'CYPHER 5': registry(procedures), 'CYPHER 25': registry(procedures) },
};

const severities = { 1: 'error', 2: 'warning', 3: 'information', 4: 'hint' };
const diagnostics = [];
for (const { name, statement } of input.statements) {
  const { diagnostics: found } = lintCypherQuery(statement, schema);
  for (const d of found) {
    diagnostics.push({
      statement: name,
      severity: severities[d.severity] ?? String(d.severity),
      message: d.message,
      line: d.range.start.line + 1,
      column: d.range.start.character + 1,
      text: statement.slice(d.offsets.start, d.offsets.end),
    });
  }
}

process.stdout.write(JSON.stringify(diagnostics, null, 2) + '\n');
