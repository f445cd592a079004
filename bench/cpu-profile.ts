/**
 * Where the per-request CPU goes: self time of each function in a CPU profile of the API under the
 * same load, instrumented against OTEL_SDK_DISABLED=true, per request. Frames are grouped by
 * function and by package (the first node_modules path segment, or `app`/`node` for the rest).
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Self microseconds by key, from the samples and their time deltas. */
function selfTime(profile: Profile, key: (n: ProfileNode) => string): Map<string, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const out = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const node = byId.get(id)!;
    const k = key(node);
    out.set(k, (out.get(k) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  return out;
}

function packageOf(url: string): string {
  if (!url) return 'node (native, GC, idle)';
  const i = url.lastIndexOf('node_modules/');
  if (i < 0) {
    if (url.startsWith('node:inspector')) return 'node:inspector';
    return url.startsWith('node:') ? 'node' : url.includes('/dist/') ? 'app (dist)' : url;
  }
  const rest = url.slice(i + 'node_modules/'.length).split('/');
  return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
}

function frameOf(n: ProfileNode): string {
  const f = n.callFrame;
  const file = f.url.includes('node_modules/') ? f.url.slice(f.url.lastIndexOf('node_modules/') + 13) : f.url;
  return `${f.functionName || '(anonymous)'} ${file.split('/').slice(-3).join('/')}:${f.lineNumber + 1}`;
}

export interface FrameDiff {
  readonly key: string;
  /** Microseconds per request, instrumented minus disabled. */
  readonly extraUs: number;
}

/** The keys whose self time per request grows most from `baseline` to `instrumented`. */
export function topDifferences(
  instrumentedFile: string,
  instrumentedRequests: number,
  baselineFile: string,
  baselineRequests: number,
  by: 'frame' | 'package',
  top = 10,
): FrameDiff[] {
  const special = (n: ProfileNode) =>
    !n.callFrame.url && n.callFrame.functionName.startsWith('(') ? n.callFrame.functionName : undefined;
  const key =
    by === 'frame'
      ? (n: ProfileNode) => special(n) ?? frameOf(n)
      : (n: ProfileNode) => special(n) ?? packageOf(n.callFrame.url);
  const a = selfTime(JSON.parse(readFileSync(instrumentedFile, 'utf8')) as Profile, key);
  const b = selfTime(JSON.parse(readFileSync(baselineFile, 'utf8')) as Profile, key);
  const keys = new Set([...a.keys(), ...b.keys()]);
  return (
    [...keys]
      // Idle time and the profiler's own serialisation (node:inspector) are not the API's work.
      .filter((k) => k !== '(idle)' && !k.includes('node:inspector'))
      .map((k) => ({
        key: k,
        extraUs: (a.get(k) ?? 0) / instrumentedRequests - (b.get(k) ?? 0) / baselineRequests,
      }))
      .sort((x, y) => y.extraUs - x.extraUs)
      .slice(0, top)
  );
}
