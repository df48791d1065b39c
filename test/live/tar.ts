// A minimal ustar archive writer, for the files the Docker provider uploads into a container
// before it starts (the Engine API's archive endpoint takes a tar stream).

function header(name: string, size: number, mode: number): Buffer {
    const h = Buffer.alloc(512, 0);
    const put = (text: string, offset: number, length: number) => h.write(text.slice(0, length), offset, length, "utf8");
    const octal = (n: number, length: number) => `${n.toString(8).padStart(length - 1, "0")}\0`;
    let prefix = "";
    let base = name;
    if (Buffer.byteLength(name) > 100) {
        const cut = name.lastIndexOf("/", 155);
        prefix = name.slice(0, cut);
        base = name.slice(cut + 1);
    }
    put(base, 0, 100);
    h.write(octal(mode, 8), 100, 8, "ascii");
    h.write(octal(0, 8), 108, 8, "ascii");
    h.write(octal(0, 8), 116, 8, "ascii");
    h.write(octal(size, 12), 124, 12, "ascii");
    h.write(octal(Math.floor(Date.now() / 1000), 12), 136, 12, "ascii");
    h.write("        ", 148, 8, "ascii");
    h.write("0", 156, 1, "ascii");
    h.write("ustar\0", 257, 6, "ascii");
    h.write("00", 263, 2, "ascii");
    put(prefix, 345, 155);
    let sum = 0;
    for (const b of h) sum += b;
    h.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, 8, "ascii");
    return h;
}

/** A tar of regular files; paths are relative to where the archive is extracted. */
export function tarOf(files: readonly { path: string; content: string | Buffer; mode: number }[]): Buffer {
    const parts: Buffer[] = [];
    for (const f of files) {
        const body = typeof f.content === "string" ? Buffer.from(f.content, "utf8") : f.content;
        parts.push(header(f.path.replace(/^\/+/, ""), body.length, f.mode), body, Buffer.alloc((512 - (body.length % 512)) % 512, 0));
    }
    parts.push(Buffer.alloc(1024, 0));
    return Buffer.concat(parts);
}
