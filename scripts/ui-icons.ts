// Renders resources/icon.svg to the PNG sizes electron-builder and Linux desktops use
// (resources/icons/<n>x<n>.png and resources/icon.png at 1024 px). electron-builder makes the .ico and
// .icns from icon.png. Run after changing the SVG: `node --import tsx scripts/ui-icons.ts`.
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const resources = join(dirname(fileURLToPath(import.meta.url)), '..', 'resources');
const svg = await readFile(join(resources, 'icon.svg'));
await mkdir(join(resources, 'icons'), { recursive: true });
for (const size of [16, 32, 48, 64, 128, 256, 512]) {
  await sharp(svg, { density: Math.ceil((72 * size) / 512) * 2 })
    .resize(size, size)
    .png()
    .toFile(join(resources, 'icons', `${size}x${size}.png`));
}
await sharp(svg, { density: 288 }).resize(1024, 1024).png().toFile(join(resources, 'icon.png'));
console.log(`icons written to ${resources}`);
