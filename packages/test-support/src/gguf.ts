// Owns writing a tiny llama-architecture GGUF model with random weights, so tests can exercise local inference
// (node-llama-cpp) without any downloaded model. It proves plumbing, not quality: the text it generates is noise.
import { writeFileSync } from "node:fs";

const GGUF_TYPE = { UINT32: 4, INT32: 5, FLOAT32: 6, STRING: 8, ARRAY: 9 } as const;
const TENSOR_F32 = 0;
const ALIGNMENT = 32;

type MetaValue =
  | { type: "u32"; value: number }
  | { type: "f32"; value: number }
  | { type: "string"; value: string }
  | { type: "strings"; value: string[] }
  | { type: "f32s"; value: number[] }
  | { type: "i32s"; value: number[] };

class Writer {
  private chunks: Buffer[] = [];
  size = 0;
  push(buffer: Buffer): void {
    this.chunks.push(buffer);
    this.size += buffer.length;
  }
  u32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v);
    this.push(b);
  }
  i32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeInt32LE(v);
    this.push(b);
  }
  u64(v: number): void {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(v));
    this.push(b);
  }
  f32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeFloatLE(v);
    this.push(b);
  }
  string(s: string): void {
    const bytes = Buffer.from(s, "utf8");
    this.u64(bytes.length);
    this.push(bytes);
  }
  pad(): void {
    const rest = this.size % ALIGNMENT;
    if (rest) this.push(Buffer.alloc(ALIGNMENT - rest));
  }
  result(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

function writeMeta(w: Writer, key: string, meta: MetaValue): void {
  w.string(key);
  switch (meta.type) {
    case "u32":
      w.u32(GGUF_TYPE.UINT32);
      w.u32(meta.value);
      break;
    case "f32":
      w.u32(GGUF_TYPE.FLOAT32);
      w.f32(meta.value);
      break;
    case "string":
      w.u32(GGUF_TYPE.STRING);
      w.string(meta.value);
      break;
    case "strings":
      w.u32(GGUF_TYPE.ARRAY);
      w.u32(GGUF_TYPE.STRING);
      w.u64(meta.value.length);
      for (const s of meta.value) w.string(s);
      break;
    case "f32s":
      w.u32(GGUF_TYPE.ARRAY);
      w.u32(GGUF_TYPE.FLOAT32);
      w.u64(meta.value.length);
      for (const v of meta.value) w.f32(v);
      break;
    case "i32s":
      w.u32(GGUF_TYPE.ARRAY);
      w.u32(GGUF_TYPE.INT32);
      w.u64(meta.value.length);
      for (const v of meta.value) w.i32(v);
      break;
  }
}

/** Deterministic weights, so greedy decoding gives the same tokens on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32 - 0.5;
  };
}

export interface TinyGgufOptions {
  embedding?: number;
  layers?: number;
  seed?: number;
}

/** Writes a llama-architecture GGUF (SentencePiece vocabulary with byte fallback) of a few hundred kilobytes. */
export function writeTinyGguf(path: string, options: TinyGgufOptions = {}): void {
  const embd = options.embedding ?? 32;
  const layers = options.layers ?? 1;
  const heads = 4;
  const ff = embd * 2;
  const words = ["▁", "▁hello", "▁world", "▁the", "▁code", "▁app", "▁ok", ..."abcdefghijklmnopqrstuvwxyz".split("").map((c) => `▁${c}`)];
  const tokens = [
    "<unk>",
    "<s>",
    "</s>",
    ...Array.from({ length: 256 }, (_, i) => `<0x${i.toString(16).toUpperCase().padStart(2, "0")}>`),
    ...words,
  ];
  const types = tokens.map((_, i) => (i === 0 ? 2 : i < 3 ? 3 : i < 259 ? 6 : 1));
  const scores = tokens.map((_, i) => (i < 259 ? 0 : -i));
  const vocab = tokens.length;

  const meta: Array<[string, MetaValue]> = [
    ["general.architecture", { type: "string", value: "llama" }],
    ["general.name", { type: "string", value: "samokoder-tiny-random" }],
    ["general.alignment", { type: "u32", value: ALIGNMENT }],
    ["llama.context_length", { type: "u32", value: 512 }],
    ["llama.embedding_length", { type: "u32", value: embd }],
    ["llama.block_count", { type: "u32", value: layers }],
    ["llama.feed_forward_length", { type: "u32", value: ff }],
    ["llama.attention.head_count", { type: "u32", value: heads }],
    ["llama.attention.head_count_kv", { type: "u32", value: heads }],
    ["llama.attention.layer_norm_rms_epsilon", { type: "f32", value: 1e-5 }],
    ["llama.rope.dimension_count", { type: "u32", value: embd / heads }],
    ["tokenizer.ggml.model", { type: "string", value: "llama" }],
    ["tokenizer.ggml.tokens", { type: "strings", value: tokens }],
    ["tokenizer.ggml.scores", { type: "f32s", value: scores }],
    ["tokenizer.ggml.token_type", { type: "i32s", value: types }],
    ["tokenizer.ggml.bos_token_id", { type: "u32", value: 1 }],
    ["tokenizer.ggml.eos_token_id", { type: "u32", value: 2 }],
    ["tokenizer.ggml.unknown_token_id", { type: "u32", value: 0 }],
  ];

  const tensors: Array<{ name: string; dims: number[]; fill: "random" | "ones" }> = [
    { name: "token_embd.weight", dims: [embd, vocab], fill: "random" },
    { name: "output_norm.weight", dims: [embd], fill: "ones" },
    { name: "output.weight", dims: [embd, vocab], fill: "random" },
  ];
  for (let layer = 0; layer < layers; layer++) {
    const block = (name: string, dims: number[], fill: "random" | "ones" = "random") =>
      tensors.push({ name: `blk.${layer}.${name}`, dims, fill });
    block("attn_norm.weight", [embd], "ones");
    block("attn_q.weight", [embd, embd]);
    block("attn_k.weight", [embd, embd]);
    block("attn_v.weight", [embd, embd]);
    block("attn_output.weight", [embd, embd]);
    block("ffn_norm.weight", [embd], "ones");
    block("ffn_gate.weight", [embd, ff]);
    block("ffn_up.weight", [embd, ff]);
    block("ffn_down.weight", [ff, embd]);
  }

  const w = new Writer();
  w.push(Buffer.from("GGUF", "ascii"));
  w.u32(3);
  w.u64(tensors.length);
  w.u64(meta.length);
  for (const [key, value] of meta) writeMeta(w, key, value);
  let offset = 0;
  const sizes: number[] = [];
  for (const tensor of tensors) {
    w.string(tensor.name);
    w.u32(tensor.dims.length);
    for (const d of tensor.dims) w.u64(d);
    w.u32(TENSOR_F32);
    w.u64(offset);
    const bytes = tensor.dims.reduce((a, b) => a * b, 1) * 4;
    sizes.push(bytes);
    offset += Math.ceil(bytes / ALIGNMENT) * ALIGNMENT;
  }
  w.pad();
  const next = random(options.seed ?? 42);
  for (const [i, tensor] of tensors.entries()) {
    const count = (sizes[i] ?? 0) / 4;
    const data = Buffer.alloc(Math.ceil((count * 4) / ALIGNMENT) * ALIGNMENT);
    for (let j = 0; j < count; j++) data.writeFloatLE(tensor.fill === "ones" ? 1 : next() * 0.2, j * 4);
    w.push(data);
  }
  writeFileSync(path, w.result());
}
