// Face pipeline factory (decode → detect → align → embed). Implementation in progress.
import type { FacePipeline } from './types.ts';

export interface PipelineOptions {
  /** Pipeline id from the registry, e.g. 'default' (npm models) or 'yunet-mobilefacenet'. */
  pipeline: string;
  /** Folder holding model files that are not shipped by npm packages. */
  modelsDir?: string;
  /** Intra-op threads for ONNX Runtime in this process/worker. */
  threads?: number;
}

export async function createPipeline(options: PipelineOptions): Promise<FacePipeline> {
  throw new Error(`pipeline ${options.pipeline} not implemented yet`);
}
