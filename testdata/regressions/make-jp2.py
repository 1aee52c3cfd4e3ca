import struct
d = open('../formats/rgb-200dpi.jp2','rb').read()
def boxes(b):
    out=[]; at=0
    while at < len(b):
        l, t = struct.unpack('>I4s', b[at:at+8])
        if l == 0: l = len(b)-at
        out.append((t, b[at+8:at+l])); at += l
    return out
def box(t, body): return struct.pack('>I4s', len(body)+8, t) + body
top = boxes(d)
print([ (t, len(b)) for t,b in top])
for t,b in top:
    if t == b'jp2h': print('jp2h:', [(x, len(y)) for x,y in boxes(b)])
# (a) no ihdr
out=b''
for t,b in top:
    if t == b'jp2h':
        b = b''.join(box(x,y) for x,y in boxes(b) if x != b'ihdr')
    out += box(t,b)
open('jp2-no-ihdr.jp2','wb').write(out)
# (b) signature not first: ftyp first then signature
sig = [x for x in top if x[0]==b'jP  '][0]; ft=[x for x in top if x[0]==b'ftyp'][0]
rest=[x for x in top if x[0] not in (b'jP  ', b'ftyp')]
open('jp2-ftyp-first.jp2','wb').write(b''.join(box(t,b) for t,b in [ft, sig]+rest))
# (c) signature first, but a second signature box later / ftyp not second
open('jp2-ftyp-last.jp2','wb').write(b''.join(box(t,b) for t,b in [sig]+rest+[ft]))
jh=[x for x in top if x[0]==b'jp2h'][0]; jc=[x for x in top if x[0]==b'jp2c'][0]
open('jp2-jp2c-first.jp2','wb').write(b''.join(box(t,b) for t,b in [sig, ft, jc, jh]))
open('jp2-sig-twice.jp2','wb').write(b''.join(box(t,b) for t,b in [sig, ft, sig, jh, jc]))
open('jp2-box-before-ftyp.jp2','wb').write(b''.join(box(t,b) for t,b in [sig, (b'free', b'xx'), ft, jh, jc]))
open('jp2-sig-after-ftyp.jp2','wb').write(b''.join(box(t,b) for t,b in [sig, ft, jh, sig, jc]))
