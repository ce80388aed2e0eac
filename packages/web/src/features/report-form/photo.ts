/** Longest side of an attached photo: enough to read a banner or a face, small enough for a weak signal. */
const MAX_SIDE = 1600;

/**
 * Downscale a camera photo on the phone (canvas → JPEG) before it is queued, so a 4 MB picture
 * becomes ~300 kB. Orientation from EXIF is applied by createImageBitmap; EXIF itself is dropped.
 */
export async function downscalePhoto(file: File): Promise<{ blob: Blob; name: string }> {
  const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
  const width = Math.max(1, Math.round(bitmap.width * scale));
  const height = Math.max(1, Math.round(bitmap.height * scale));
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('canvas unavailable');
  ctx.drawImage(bitmap, 0, 0, width, height);
  bitmap.close();
  const blob = await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('encode failed'))), 'image/jpeg', 0.8));
  const base = file.name.replace(/\.[^.]+$/, '') || 'foto';
  return { blob, name: `${base}.jpg` };
}
