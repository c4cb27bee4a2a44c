// What an uploaded file really is, read from its bytes: a name or a declared type can lie, and
// WeCom refuses a moment's image over 1,555,200 px or a video over 30 s only after we have
// dispatched the task (wecom-reference §4.8), so the console must know before.

/** What the bytes say: the kind, the type, and the size in pixels and seconds. */
export interface MediaProbe {
  kind: "image" | "video";
  mime: "image/png" | "image/jpeg" | "video/mp4";
  width: number | null;
  height: number | null;
  /** Seconds, to the millisecond; null for images. */
  durationSec: number | null;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * @param data the whole file.
 * @returns what it is, or null when it is not a PNG, a JPEG or an MP4 whose header can be read.
 */
export function probeMedia(data: Buffer): MediaProbe | null {
  if (data.length > 24 && data.subarray(0, 8).equals(PNG_SIGNATURE) && data.toString("latin1", 12, 16) === "IHDR") {
    return { kind: "image", mime: "image/png", width: data.readUInt32BE(16), height: data.readUInt32BE(20), durationSec: null };
  }
  if (data.length > 4 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) {
    const size = jpegSize(data);
    return size ? { kind: "image", mime: "image/jpeg", ...size, durationSec: null } : null;
  }
  if (data.length > 12 && data.toString("latin1", 4, 8) === "ftyp") {
    return mp4Probe(data);
  }
  return null;
}

// SOF markers carry the frame size; C4 (DHT), C8 (JPG) and CC (DAC) share the range but do not.
const isStartOfFrame = (marker: number) => marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;

function jpegSize(data: Buffer): { width: number; height: number } | null {
  let offset = 2;
  while (offset + 4 <= data.length) {
    if (data[offset] !== 0xff) {
      return null;
    }
    const marker = data[offset + 1] ?? 0;
    if (marker === 0xff) {
      offset += 1; // fill byte
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd9)) {
      offset += 2; // standalone markers have no length
      continue;
    }
    const length = data.readUInt16BE(offset + 2);
    if (isStartOfFrame(marker)) {
      if (offset + 9 > data.length) {
        return null;
      }
      return { height: data.readUInt16BE(offset + 5), width: data.readUInt16BE(offset + 7) };
    }
    offset += 2 + length;
  }
  return null;
}

interface Box {
  type: string;
  /** Where the payload starts (after size and type). */
  start: number;
  end: number;
}

/** The boxes directly inside [start, end); stops at the first malformed size. */
function boxes(data: Buffer, start: number, end: number): Box[] {
  const found: Box[] = [];
  let offset = start;
  while (offset + 8 <= end) {
    let size = data.readUInt32BE(offset);
    let header = 8;
    if (size === 1) {
      if (offset + 16 > end) {
        break;
      }
      size = Number(data.readBigUInt64BE(offset + 8));
      header = 16;
    } else if (size === 0) {
      size = end - offset; // runs to the end of its parent
    }
    if (size < header || offset + size > end) {
      break;
    }
    found.push({ type: data.toString("latin1", offset + 4, offset + 8), start: offset + header, end: offset + size });
    offset += size;
  }
  return found;
}

// mvhd holds the movie's timescale (units per second) and duration; tkhd holds each track's
// presentation size as 16.16 fixed point. Both have a 32-bit (v0) and a 64-bit (v1) layout.
function mp4Probe(data: Buffer): MediaProbe | null {
  const moov = boxes(data, 0, data.length).find((box) => box.type === "moov");
  if (!moov) {
    return null;
  }
  const inside = boxes(data, moov.start, moov.end);
  const mvhd = inside.find((box) => box.type === "mvhd");
  if (!mvhd || mvhd.end - mvhd.start < 32) {
    return null;
  }
  const v1 = data[mvhd.start] === 1;
  const timescale = data.readUInt32BE(mvhd.start + (v1 ? 20 : 12));
  const duration = v1 ? Number(data.readBigUInt64BE(mvhd.start + 24)) : data.readUInt32BE(mvhd.start + 16);
  if (timescale === 0) {
    return null;
  }
  let width: number | null = null;
  let height: number | null = null;
  for (const trak of inside.filter((box) => box.type === "trak")) {
    const tkhd = boxes(data, trak.start, trak.end).find((box) => box.type === "tkhd");
    if (!tkhd) {
      continue;
    }
    const sizeAt = tkhd.start + (data[tkhd.start] === 1 ? 88 : 76);
    if (sizeAt + 8 > tkhd.end) {
      continue;
    }
    const trackWidth = data.readUInt32BE(sizeAt) >>> 16;
    const trackHeight = data.readUInt32BE(sizeAt + 4) >>> 16;
    // Audio tracks are 0×0; the first track with a picture is the video.
    if (trackWidth > 0 && trackHeight > 0) {
      width = trackWidth;
      height = trackHeight;
      break;
    }
  }
  return { kind: "video", mime: "video/mp4", width, height, durationSec: Math.round((duration / timescale) * 1000) / 1000 };
}
