// `engram-stream k8s render|run SCENARIO`: flags -> manifests (printed, or created
// in the cluster and followed) -> for run, the merged results written and the exit
// code from the merged verdict. The Kubernetes libraries take seconds to load, so
// they are imported only when a k8s command runs.
import type { Command } from 'commander';
import { createClusterProgress } from '../k8s/cluster-progress.js';
import { DEFAULTS, type RenderFlags } from '../k8s/render-options.js';
import { progressMode } from '../load/output/progress.js';
import { renderSummary } from '../report/console/bench-summary.js';
import { writeOutputs } from '../report/write-outputs.js';
import { ensureOutputDir } from '../util/output-file.js';
import { TOOL_VERSION } from '../util/version.js';
import { VERDICT_EXIT } from './exit-codes.js';

interface RunFlags extends RenderFlags {
  kubeconfig?: string;
  context?: string;
  json?: string;
  html?: string;
  junit?: string;
  quiet?: boolean;
}

const DEFAULT_IMAGE = `engram-stream:${TOOL_VERSION}`;

function renderFlags(command: Command): Command {
  return command
    .argument('<scenario>', 'scenario file, e.g. scenarios/steady.yaml')
    .requiredOption('--shards <n>', "number of shards (pods), at most the scenario's sessions")
    .option(
      '--target <host:port>',
      "the server every shard loads, as the pods reach it (default: the scenario's target.address)",
    )
    .option('--image <image>', `the engram-stream image the pods run (default ${DEFAULT_IMAGE})`)
    .option('--namespace <ns>', 'namespace of every object', DEFAULTS.namespace)
    .option('--name <name>', "prefix of the objects' names (default es-<scenario>-<start time>)")
    .option(
      '--start-delay <duration>',
      'the common start is this long after rendering: time to schedule, pull and connect',
      DEFAULTS.startDelay,
    )
    .option(
      '--token-secret <name[:key]>',
      'bearer token from this Secret (key "token" by default), never inline',
    )
    .option('--tls', 'dial the target over TLS (system roots)')
    .option(
      '--resources <list>',
      'requests and limits of each shard, e.g. cpu=2,memory=2Gi',
      DEFAULTS.resources,
    )
    .option(
      '--results-claim <name>',
      'an existing ReadWriteMany PersistentVolumeClaim for the results (default: one is created)',
    )
    .option('--results-size <quantity>', 'size of the created results claim', DEFAULTS.resultsSize)
    .option(
      '--storage-class <name>',
      'storage class of the created results claim (must offer ReadWriteMany)',
    );
}

export function register(program: Command): void {
  const k8s = program
    .command('k8s')
    .description(
      'Run sharded benches on Kubernetes: render the manifests, or create them and wait for the merged result',
    );
  renderFlags(
    k8s.command('render').description('Print the manifests (YAML) of a sharded run, for kubectl apply -f -'),
  ).action(async (file: string, flags: RenderFlags) => {
    const { renderManifests } = await import('../k8s/render.js');
    process.stdout.write(renderManifests(file, flags, DEFAULT_IMAGE).yaml);
  });
  renderFlags(
    k8s
      .command('run')
      .description(
        'Create the sharded run in the current kube context, wait for the merge, write its results',
      ),
  )
    .option('--kubeconfig <file>', 'kubeconfig to use (default: $KUBECONFIG, ~/.kube/config, or in-cluster)')
    .option('--context <name>', 'kube context to use (default: the current one)')
    .option('--json <file>', 'merged results JSON (default: reports/k8s-<name>.json)')
    .option('--html <file>', 'also the merged HTML report')
    .option('--junit <file>', 'also the merged JUnit XML')
    .option('--quiet', 'no progress output, only the summary')
    .addHelpText(
      'after',
      '\nExit codes: 0 passed, 1 failed, 2 usage, cluster or shard error, 3 inconclusive (the merged verdict).',
    )
    .action(async (file: string, flags: RunFlags) => {
      for (const out of [flags.json, flags.html, flags.junit]) if (out) ensureOutputDir(out);
      const { renderManifests } = await import('../k8s/render.js');
      const rendered = renderManifests(file, flags, DEFAULT_IMAGE);
      const { runOnCluster } = await import('../k8s/run-on-cluster.js');
      const progress = createClusterProgress(progressMode(flags.quiet ?? false));
      const results = await runOnCluster(
        rendered,
        {
          ...(flags.kubeconfig ? { kubeconfig: flags.kubeconfig } : {}),
          ...(flags.context ? { context: flags.context } : {}),
        },
        { onProgress: progress.update },
      ).finally(progress.stop);
      const paths = {
        json: flags.json ?? `reports/k8s-${rendered.options.name}.json`,
        ...(flags.html ? { html: flags.html } : {}),
        ...(flags.junit ? { junit: flags.junit } : {}),
      };
      writeOutputs(results, paths);
      process.stdout.write(renderSummary(results, paths));
      process.exitCode = VERDICT_EXIT[results.verdict];
    });
}
