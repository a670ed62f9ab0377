import { createEdgeCurveProgram } from "@sigma/edge-curve";
import type { Attributes } from "graphology-types";
import type { EdgeLabelDrawingFunction, EdgeProgramType, NodeProgramType } from "sigma/rendering";
import { createEdgeArrowHeadProgram, createEdgeClampedProgram, createEdgeCompoundProgram, DEFAULT_EDGE_ARROW_HEAD_PROGRAM_OPTIONS, NodeCircleProgram } from "sigma/rendering";
import { arrowLinePicking, widenedLinePicking, widenedPicking } from "./edgepicking";
import { pickingColor } from "./picking";
import { slotRuns } from "./slotruns";

// sigma's WebGL programs, changed in one thing: a program uploads to the GPU only the vertex data that changed.
// sigma 3.0.3's Program.bindProgram calls bufferData with the whole array on every render, for the normal and
// the picking pass alike: at 50k edges that is ~10 MB copied per frame while only the camera moves, and ~3 MB
// (two edge arrays) for a live change that rewrote three slots. Here process() notes the slot it writes, and a
// buffer gets bufferSubData of the runs of slots written since its last upload; reallocate() (a re-index)
// uploads the whole array again.
// A slot written again with the floats it held is no change: not uploaded, and its layer is not drawn again for it
// (drawVersion, read by layers.ts).
// A slot's picking colour is computed from its id (picking.ts), not taken from sigma's indexToColor cache.
// And a program keeps some free slots (zeros, drawn as nothing): a node or edge that arrives live takes one
// instead of sigma re-indexing the whole graph to make room (partial.ts).

/** The benchmark's baseline switch: false uploads a whole array whenever any of it changed (the first pass). */
export const uploads = { partial: true };

/** The benchmark's before switch: true writes slots with sigma's own process() (its cache of picking colours). */
export const picking = { sigmasCache: false };

/** The members of sigma's Program this needs (protected or untyped in its declarations; sigma is pinned at 3.0.3). */
interface ProgramInternals {
  array: Float32Array;
  capacity: number;
  STRIDE: number;
  constantArray: Float32Array;
  isInstanced: boolean;
  ATTRIBUTES: { name: string }[];
  CONSTANT_ATTRIBUTES: { name: string }[];
  bindAttribute(attr: { name: string }, program: ProgramInfo, offset: number, setDivisor?: boolean): number;
  process(...args: unknown[]): void;
  processVisibleItem(color: number, offset: number, ...data: unknown[]): void;
  reallocate(capacity: number): void;
}

interface ProgramInfo {
  gl: WebGLRenderingContext | WebGL2RenderingContext;
  buffer: WebGLBuffer;
  constantBuffer: WebGLBuffer;
}

type AnyProgramClass = new (...args: never[]) => object;

function uploadingOnChange<C extends AnyProgramClass>(Base: C): C {
  // The subclass reaches sigma's protected members through ProgramInternals.
  const Uploading = class extends (Base as unknown as new (...args: unknown[]) => ProgramInternals) {
    /** Per buffer (normal and picking pass), the slots written since its last upload; none yet: upload all. */
    readonly written = new Map<ProgramInfo, Set<number> | "all">();
    readonly constantsUploaded = new WeakSet<ProgramInfo>();

    /** Writes that changed the array since the program was made (layers.ts redraws a layer when it moves). */
    drawVersion = 0;
    /** The slot's floats before a write (reused). */
    private previous = new Float32Array(0);

    /**
     * Writes one slot as sigma's NodeProgram.process (id, slot, data) and EdgeProgram.process (id, slot, source,
     * target, data) do: zeros for a hidden item (an edge with a hidden end too), else processVisibleItem with the
     * item's picking colour, here computed rather than cached.
     */
    override process(id: number, slot: number, a: { hidden?: boolean }, b?: { hidden?: boolean }, c?: { hidden?: boolean }): void {
      const start = slot * this.STRIDE;
      const end = start + this.STRIDE;
      if (this.previous.length !== this.STRIDE) this.previous = new Float32Array(this.STRIDE);
      const previous = this.previous;
      previous.set(this.array.subarray(start, end));
      if (picking.sigmasCache) super.process(id, slot, a, b, c);
      else if (a.hidden || b?.hidden || c?.hidden) this.array.fill(0, start, end);
      else this.processVisibleItem(pickingColor(id), start, a, b, c);
      // The same floats written again (a rename rewrites its node's disc as it was): nothing to upload or redraw.
      let same = true;
      for (let i = start; i < end; i++) {
        if (this.array[i] !== previous[i - start]) {
          same = false;
          break;
        }
      }
      if (same) return;
      this.drawVersion++;
      for (const [program, slots] of this.written) {
        if (slots === "all") continue;
        slots.add(slot);
        // Most of the array: one upload of it all.
        if (slots.size * 4 > this.capacity) this.written.set(program, "all");
      }
    }

    override reallocate(capacity: number): void {
      this.drawVersion++;
      this.written.clear();
      const room = capacity === 0 ? 0 : capacity + Math.max(16, Math.ceil(capacity / 16));
      if (capacity > 0 && capacity <= this.capacity && this.capacity <= room) {
        // Big enough and not wastefully so: keep the array, clearing the slots past what is used.
        this.array.fill(0, capacity * this.STRIDE);
        return;
      }
      super.reallocate(room);
    }

    /** Uploads what changed of the array to the buffer bound as ARRAY_BUFFER. */
    upload(program: ProgramInfo): void {
      const gl = program.gl;
      const slots = this.written.get(program);
      if (slots === undefined || slots === "all" || !uploads.partial) {
        if (slots === undefined || slots === "all" || slots.size > 0) gl.bufferData(gl.ARRAY_BUFFER, this.array, gl.DYNAMIC_DRAW);
        this.written.set(program, new Set());
        return;
      }
      if (slots.size === 0) return;
      const stride = this.STRIDE;
      for (const [start, end] of slotRuns(slots)) {
        gl.bufferSubData(gl.ARRAY_BUFFER, start * stride * Float32Array.BYTES_PER_ELEMENT, this.array.subarray(start * stride, end * stride));
      }
      slots.clear();
    }

    bindProgram(program: ProgramInfo): void {
      const gl = program.gl;
      if (!this.isInstanced) {
        gl.bindBuffer(gl.ARRAY_BUFFER, program.buffer);
        let offset = 0;
        for (const attr of this.ATTRIBUTES) offset += this.bindAttribute(attr, program, offset);
        this.upload(program);
      } else {
        gl.bindBuffer(gl.ARRAY_BUFFER, program.constantBuffer);
        let offset = 0;
        for (const attr of this.CONSTANT_ATTRIBUTES) offset += this.bindAttribute(attr, program, offset, false);
        if (!this.constantsUploaded.has(program)) {
          gl.bufferData(gl.ARRAY_BUFFER, this.constantArray, gl.STATIC_DRAW);
          this.constantsUploaded.add(program);
        }
        gl.bindBuffer(gl.ARRAY_BUFFER, program.buffer);
        offset = 0;
        for (const attr of this.ATTRIBUTES) offset += this.bindAttribute(attr, program, offset, true);
        this.upload(program);
      }
      gl.bindBuffer(gl.ARRAY_BUFFER, null);
    }
  };
  return Uploading as unknown as C;
}

/** Node discs (sigma's NodeCircleProgram), uploaded only when changed. */
export const NodeDiscProgram = uploadingOnChange(NodeCircleProgram) as NodeProgramType;

/** Arrows (sigma's EdgeArrowProgram: a clamped line plus a head), each part uploaded only when changed. */
export function edgeArrowProgram<N extends Attributes, E extends Attributes, G extends Attributes>(): EdgeProgramType<N, E, G> {
  return createEdgeCompoundProgram<N, E, G>([
    uploadingOnChange(withShaders(createEdgeClampedProgram<N, E, G>(), { vertex: arrowLinePicking })),
    // The head too: the picking pass's wider line stops where its head, as widened, starts (further from the target).
    uploadingOnChange(withShaders(createEdgeArrowHeadProgram<N, E, G>(), { vertex: widenedLinePicking })),
  ]);
}

/**
 * Curved arrows (@sigma/edge-curve, curvature from the display data's `curvature`) for edges that share both ends
 * with another (parallel.ts), uploaded only when changed. Their labels are drawn by `drawLabel` (the edge label
 * room, which keeps them off node labels as it does straight edges'), not along the curve by edge-curve.
 */
export function edgeCurvedArrowProgram<N extends Attributes, E extends Attributes, G extends Attributes>(drawLabel: EdgeLabelDrawingFunction<N, E, G>): EdgeProgramType<N, E, G> {
  // edge-curve colours a fragment when its centre is within half the line's thickness of the curve. The picking
  // pass draws at sigma's picking downsizing (half size), where the ~1.7 px line is ~0.85 px thick: a curve
  // running between two rows of pixel centres left no pixel at all, and clicks on it (across its whole middle,
  // in about half of the layouts tried) found nothing. There, a fragment within PICKING_HALF_WIDTH counts.
  const Curve = createEdgeCurveProgram<N, E, G>({ arrowHead: DEFAULT_EDGE_ARROW_HEAD_PROGRAM_OPTIONS, drawLabel });
  return uploadingOnChange(withShaders(Curve, { fragment: widenedPicking })) as unknown as EdgeProgramType<N, E, G>;
}

/** A program whose shaders' sources are rewritten (edgepicking.ts) before sigma compiles them. */
function withShaders<C extends AnyProgramClass>(Base: C, rewrite: { vertex?: (source: string) => string; fragment?: (source: string) => string }): C {
  type Definition = { VERTEX_SHADER_SOURCE: string; FRAGMENT_SHADER_SOURCE: string };
  const Rewritten = class extends (Base as unknown as new (...args: unknown[]) => { getDefinition(): Definition }) {
    override getDefinition(): Definition {
      const definition = super.getDefinition();
      return {
        ...definition,
        VERTEX_SHADER_SOURCE: rewrite.vertex ? rewrite.vertex(definition.VERTEX_SHADER_SOURCE) : definition.VERTEX_SHADER_SOURCE,
        FRAGMENT_SHADER_SOURCE: rewrite.fragment ? rewrite.fragment(definition.FRAGMENT_SHADER_SOURCE) : definition.FRAGMENT_SHADER_SOURCE,
      };
    }
  };
  return Rewritten as unknown as C;
}
