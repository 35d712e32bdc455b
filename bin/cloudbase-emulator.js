#!/usr/bin/env node
// Runs the bundled command line; the bundle is built by `npm run build`.
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const bundle = join(__dirname, '..', 'dist', 'emulator-cli.js');
if (!existsSync(bundle)) {
  process.stderr.write(`cloudbase-emulator: ${bundle} is missing; run \`npm run build\` first.\n`);
  process.exit(1);
}
require(bundle).run(process.argv.slice(2));
