import type { Page } from 'playwright-core';

/**
 * How many distinct colours a PNG has (sampled every `step` pixels), counted by decoding it in
 * the page's own canvas: a blank or single-colour capture has one or two, a drawn map hundreds.
 */
export async function countColours(page: Page, png: Buffer, step = 3): Promise<number> {
  const dataUrl = `data:image/png;base64,${png.toString('base64')}`;
  return page.evaluate(
    async ({ src, step }) => {
      const img = new Image();
      img.src = src;
      await img.decode();
      const canvas = document.createElement('canvas');
      canvas.width = img.width;
      canvas.height = img.height;
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(img, 0, 0);
      const data = ctx.getImageData(0, 0, img.width, img.height).data;
      const seen = new Set<number>();
      for (let y = 0; y < img.height; y += step) {
        for (let x = 0; x < img.width; x += step) {
          const i = (y * img.width + x) * 4;
          seen.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
        }
      }
      return seen.size;
    },
    { src: dataUrl, step },
  );
}

/** How many pixels of a PNG lie within `tolerance` of any of the colours (each channel). */
export async function countPixelsNear(page: Page, png: Buffer, colours: [number, number, number][], tolerance = 4): Promise<number> {
  const dataUrl = `data:image/png;base64,${png.toString('base64')}`;
  return page.evaluate(
    async ({ src, colours, tolerance }) => {
      const img = new Image();
      img.src = src;
      await img.decode();
      const canvas = document.createElement('canvas');
      canvas.width = img.width;
      canvas.height = img.height;
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(img, 0, 0);
      const data = ctx.getImageData(0, 0, img.width, img.height).data;
      let n = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (colours.some(([r, g, b]) => Math.abs(data[i]! - r) <= tolerance && Math.abs(data[i + 1]! - g) <= tolerance && Math.abs(data[i + 2]! - b) <= tolerance)) n++;
      }
      return n;
    },
    { src: dataUrl, colours, tolerance },
  );
}
