import zlib, struct, sys
def chunk(t, d): return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
def png(w, h, pixels, palette, interlace, bits=8):
    ihdr = struct.pack('>IIBBBBB', w, h, bits, 3, 0, 0, interlace)
    passes = [(0,0,8,8),(4,0,8,8),(0,4,4,8),(2,0,4,4),(0,2,2,4),(1,0,2,2),(0,1,1,2)] if interlace else [(0,0,1,1)]
    raw = b''
    for x0,y0,dx,dy in passes:
        if x0 >= w or y0 >= h: continue
        for y in range(y0, h, dy):
            row = [pixels[y][x] for x in range(x0, w, dx)]
            raw += b'\0' + bytes(row)
    return b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', ihdr) + chunk(b'PLTE', bytes(palette)) + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b'')
w, h = 13, 11
pal = [0,0,0, 128,128,128, 255,255,255, 200,100,50]
good = [[(x + y) % 4 for x in range(w)] for y in range(h)]
open('interlaced-ok.png','wb').write(png(w, h, good, pal, 1))
open('plain-ok.png','wb').write(png(w, h, good, pal, 0))
bad = [r[:] for r in good]; bad[7][9] = 9
open('palette-index-past-end.png','wb').write(png(w, h, bad, pal, 0))
open('interlaced-bad.png','wb').write(png(w, h, bad, pal, 1))
