// Small but real files for media tests: a PNG a browser can draw, a JPEG header, and an MP4
// whose moov box says how long it lasts and how large its picture is.
import { bandedPng } from "../../server/sandbox/demo/pictures.ts";

/**
 * @param width pixels across.
 * @param height pixels down.
 * @param rgb its colour (the sandbox demo's banded picture).
 * @returns a valid PNG.
 */
export function samplePng(width: number, height: number, rgb: [number, number, number] = [230, 80, 60]): Buffer {
  return bandedPng(width, height, rgb);
}

/**
 * @param width pixels across.
 * @param height pixels down.
 * @returns the start of a baseline JPEG (APP0 then SOF0): enough to read its size, not to draw it.
 */
export function sampleJpegHeader(width: number, height: number): Buffer {
  const app0 = Buffer.from([0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]);
  const sof = Buffer.from([0xff, 0xc0, 0x00, 0x11, 0x08, height >> 8, height & 0xff, width >> 8, width & 0xff, 0x03, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app0, sof, Buffer.alloc(64), Buffer.from([0xff, 0xd9])]);
}

function box(type: string, ...payload: Buffer[]): Buffer {
  const body = Buffer.concat(payload);
  const size = Buffer.alloc(4);
  size.writeUInt32BE(8 + body.length);
  return Buffer.concat([size, Buffer.from(type, "latin1"), body]);
}

/**
 * @param seconds how long the movie header says it lasts.
 * @param options the picture size, mvhd version (1 = 64-bit fields), moov after mdat (not "fast start"), and padding bytes.
 * @returns an MP4 with ftyp, moov (mvhd, an audio trak and a video trak) and mdat.
 */
export function sampleMp4(seconds: number, options: { width?: number; height?: number; version?: 0 | 1; moovLast?: boolean; padding?: number } = {}): Buffer {
  const timescale = 1000;
  const v1 = options.version === 1;
  const mvhd = Buffer.alloc(v1 ? 112 : 100);
  mvhd[0] = v1 ? 1 : 0;
  if (v1) {
    mvhd.writeUInt32BE(timescale, 20);
    mvhd.writeBigUInt64BE(BigInt(Math.round(seconds * timescale)), 24);
  } else {
    mvhd.writeUInt32BE(timescale, 12);
    mvhd.writeUInt32BE(Math.round(seconds * timescale), 16);
  }
  const tkhd = (width: number, height: number) => {
    const payload = Buffer.alloc(84);
    payload.writeUInt32BE(width * 65536, 76);
    payload.writeUInt32BE(height * 65536, 80);
    return box("tkhd", payload);
  };
  const moov = box("moov", box("mvhd", mvhd), box("trak", tkhd(0, 0)), box("trak", tkhd(options.width ?? 720, options.height ?? 1280)));
  const ftyp = box("ftyp", Buffer.from("isom\0\0\x02\0isomiso2avc1mp41", "latin1"));
  const mdat = box("mdat", Buffer.alloc(options.padding ?? 256, 7));
  return Buffer.concat(options.moovLast ? [ftyp, mdat, moov] : [ftyp, moov, mdat]);
}
