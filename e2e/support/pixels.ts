import type { Page } from 'playwright-core';

/**
 * Decode a PNG in the page's own canvas and run `count` on its pixels there (the RGBA bytes never
 * leave the page). `count` is serialised into the page, so it can use only its arguments.
 */
async function inPixels<A, R>(page: Page, png: Buffer, count: (image: ImageData, arg: A) => R, arg: A): Promise<R> {
  const image = await page.evaluateHandle(async (src) => {
    const img = new Image();
    img.src = src;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.width;
    canvas.height = img.height;
    const ctx = canvas.getContext('2d')!;
    ctx.drawImage(img, 0, 0);
    return ctx.getImageData(0, 0, img.width, img.height);
  }, `data:image/png;base64,${png.toString('base64')}`);
  try {
    return (await image.evaluate(count as (image: ImageData, arg: unknown) => R, arg as unknown)) as R;
  } finally {
    await image.dispose();
  }
}

/**
 * How many distinct colours a PNG has (sampled every `step` pixels), counted by decoding it in
 * the page's own canvas: a blank or single-colour capture has one or two, a drawn map hundreds.
 */
export async function countColours(page: Page, png: Buffer, step = 3): Promise<number> {
  return inPixels(
    page,
    png,
    ({ data, width, height }, step) => {
      const seen = new Set<number>();
      for (let y = 0; y < height; y += step) {
        for (let x = 0; x < width; x += step) {
          const i = (y * width + x) * 4;
          seen.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
        }
      }
      return seen.size;
    },
    step,
  );
}

/** How many pixels of a PNG lie within `tolerance` of any of the colours (each channel). */
export async function countPixelsNear(page: Page, png: Buffer, colours: [number, number, number][], tolerance = 4): Promise<number> {
  return inPixels(
    page,
    png,
    ({ data }, { colours, tolerance }) => {
      let n = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (colours.some(([r, g, b]) => Math.abs(data[i]! - r) <= tolerance && Math.abs(data[i + 1]! - g) <= tolerance && Math.abs(data[i + 2]! - b) <= tolerance)) n++;
      }
      return n;
    },
    { colours, tolerance },
  );
}
