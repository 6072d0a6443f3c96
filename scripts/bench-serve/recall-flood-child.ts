// Runs one recall flood (recall-load.ts) with the options in argv[2] and prints its figures as JSON.
import { type RecallFloodOptions, recallFlood } from './recall-load.js';

const figures = await recallFlood(JSON.parse(process.argv[2] as string) as RecallFloodOptions);
process.stdout.write(`${JSON.stringify(figures)}\n`);
