// Runs a rendered Job's pod on this machine the way a kubelet would, as far as the
// pod command needs: the Job controller's JOB_COMPLETION_INDEX, $(VAR) expansion
// in command and args, ConfigMap volumes written out as files, and every volume's
// mount path mapped to a local folder. The image's engram-stream is this checkout.
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { JobObject, RunObjects } from '../../src/k8s/render-manifests.js';

export interface PodExit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A folder that plays the image: `engram-stream` on PATH runs bin/engram-stream.js of this checkout. */
export function imageBin(root: string, dir: string): string {
  const bin = path.join(dir, 'image-bin');
  mkdirSync(bin, { recursive: true });
  const shim = path.join(bin, 'engram-stream');
  writeFileSync(
    shim,
    `#!/bin/sh\nexec "${process.execPath}" "${path.join(root, 'bin/engram-stream.js')}" "$@"\n`,
  );
  chmodSync(shim, 0o755);
  return bin;
}

/** Local folders for the run's volumes: the ConfigMap's data as files, one shared folder for the claim. */
export function materialiseVolumes(objects: RunObjects, dir: string): Map<string, string> {
  const byVolume = new Map<string, string>();
  const scenario = path.join(dir, 'volume-scenario');
  mkdirSync(scenario, { recursive: true });
  for (const [key, text] of Object.entries(objects.configMap.data ?? {}))
    writeFileSync(path.join(scenario, key), text);
  byVolume.set('scenario', scenario);
  const results = path.join(dir, 'volume-results');
  mkdirSync(results, { recursive: true });
  byVolume.set('results', results);
  return byVolume;
}

const VAR_REF = /\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g;

export function runPod(
  job: JobObject,
  volumes: Map<string, string>,
  bin: string,
  completionIndex?: number,
): Promise<PodExit> {
  const c = job.spec?.template.spec?.containers[0];
  if (!c?.command) throw new Error(`job ${job.metadata.name} has no container command`);
  const env: Record<string, string> = {};
  if (completionIndex !== undefined) env.JOB_COMPLETION_INDEX = String(completionIndex);
  const mounts = (c.volumeMounts ?? []).map((m) => {
    const local = volumes.get(m.name);
    if (!local) throw new Error(`no local folder for volume ${m.name}`);
    return { from: m.mountPath, to: local };
  });
  const resolve = (s: string): string => {
    let out = s.replace(VAR_REF, (whole, name: string) => env[name] ?? whole);
    for (const m of mounts) out = out.split(`${m.from}/`).join(`${m.to}/`);
    return out;
  };
  const argv = [...c.command, ...(c.args ?? [])].map(resolve);
  return new Promise((done) => {
    const child = spawn(argv[0] as string, argv.slice(1), {
      env: { ...process.env, ...env, PATH: `${bin}:${process.env.PATH}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => {
      stdout += b.toString();
    });
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
    });
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}
