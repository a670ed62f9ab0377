import type { Attributes } from "graphology-types";
import type { EdgeProgramType, NodeProgramType } from "sigma/rendering";
import { createEdgeArrowHeadProgram, createEdgeClampedProgram, createEdgeCompoundProgram, NodeCircleProgram } from "sigma/rendering";

// sigma's WebGL programs, changed in one thing: a program uploads its vertex data to the GPU only when that data
// changed. sigma 3.0.3's Program.bindProgram calls bufferData with the whole array on every render, for the
// normal and the picking pass alike: at 50k edges that is ~10 MB copied per frame while only the camera moves.
// Here process() and reallocate() bump a version, and a buffer is re-uploaded when its version is behind.
// And a program keeps some free slots (zeros, drawn as nothing): a node or edge that arrives live takes one
// instead of sigma re-indexing the whole graph to make room (partial.ts).

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
    version = 1;
    readonly uploaded = new WeakMap<ProgramInfo, number>();
    readonly constantsUploaded = new WeakSet<ProgramInfo>();

    override process(...args: unknown[]): void {
      this.version++;
      super.process(...args);
    }

    override reallocate(capacity: number): void {
      this.version++;
      const room = capacity === 0 ? 0 : capacity + Math.max(16, Math.ceil(capacity / 16));
      if (capacity > 0 && capacity <= this.capacity && this.capacity <= room) {
        // Big enough and not wastefully so: keep the array, clearing the slots past what is used.
        this.array.fill(0, capacity * this.STRIDE);
        return;
      }
      super.reallocate(room);
    }

    bindProgram(program: ProgramInfo): void {
      const gl = program.gl;
      const upload = this.uploaded.get(program) !== this.version;
      if (!this.isInstanced) {
        gl.bindBuffer(gl.ARRAY_BUFFER, program.buffer);
        let offset = 0;
        for (const attr of this.ATTRIBUTES) offset += this.bindAttribute(attr, program, offset);
        if (upload) gl.bufferData(gl.ARRAY_BUFFER, this.array, gl.DYNAMIC_DRAW);
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
        if (upload) gl.bufferData(gl.ARRAY_BUFFER, this.array, gl.DYNAMIC_DRAW);
      }
      if (upload) this.uploaded.set(program, this.version);
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
    uploadingOnChange(createEdgeClampedProgram<N, E, G>()),
    uploadingOnChange(createEdgeArrowHeadProgram<N, E, G>()),
  ]);
}
