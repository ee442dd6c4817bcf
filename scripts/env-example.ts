/** `npm run env:example`: writes .env.example from the settings groups (tests/settings.test.ts keeps it current). */
import { writeFile } from 'node:fs/promises';
import { envExampleText } from './settings.js';

await writeFile('.env.example', envExampleText());
console.log('Wrote .env.example');
