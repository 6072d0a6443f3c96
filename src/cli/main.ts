// Entry of the engram-stream command line: wiring only. Each command's file parses
// its flags and calls into the library; errors become one line and an exit code.
import { Command, CommanderError } from 'commander';
import { UserError } from '../util/user-error.js';
import { TOOL_VERSION } from '../util/version.js';
// Commands register here, one import each.
import { register as registerBench } from './bench-command.js';
import { register as registerCompare } from './compare-command.js';
import { register as registerConform } from './conform-command.js';
import { ExitCode } from './exit-codes.js';
import { register as registerK8s } from './k8s-command.js';
import { register as registerReport } from './report-command.js';
import { register as registerServe } from './serve-command.js';

const program = new Command('engram-stream')
  .description('Reference server, load generator and conformance suite for Engram observation streaming')
  .version(TOOL_VERSION)
  .exitOverride()
  .showHelpAfterError('(run with --help for usage)');

// Each command file exports register(program).
registerServe(program);
registerBench(program);
registerConform(program);
registerReport(program);
registerK8s(program);
registerCompare(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode === 0 ? ExitCode.OK : ExitCode.USAGE;
  } else if (err instanceof UserError) {
    process.stderr.write(`engram-stream: ${err.message}\n`);
    process.exitCode = ExitCode.USAGE;
  } else {
    // A bug, not a user error: keep the stack so it can be reported.
    process.stderr.write(`engram-stream: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exitCode = ExitCode.USAGE;
  }
}
