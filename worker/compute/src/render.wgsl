// The verified render kernel: integer ray casting into a raw RGBA8 buffer.
//
// Mirrors `shade_pixel` and its helpers in `src/cpu.rs` line by line; only integer arithmetic,
// no floats, no textures, no blending, so every device gives the same bytes as the CPU
// reference. The scene layout constants (S_*, FOCAL, DIR_ONE...) are prepended by
// `src/gpu.rs` from `src/scene.rs`. Change both files or neither.

const T_MAX: i32 = 65536;
const AMBIENT: i32 = 1300;
const FOG_START: i32 = 7680;   // 30 units
const FOG_RANGE: i32 = 15360;  // 60 units
const SKY_HORIZON: i32 = 0xC8D8E8;
const SKY_ZENITH: i32 = 0x3A6EC0;
const FLOOR_LIGHT: i32 = 0xD8D0C0;
const FLOOR_DARK: i32 = 0xA8A094;
const GROUND: i32 = 0x4E6E3A;
const SHADOW_BIAS: i32 = 24;

struct Job {
    width: u32,
    height: u32,
    x: u32,
    y: u32,
    w: u32,
    h: u32,
    offset: u32,
    pad: u32,
}

@group(0) @binding(0) var<storage, read> scene: array<i32>;
@group(0) @binding(1) var<storage, read> jobs: array<Job>;
@group(0) @binding(2) var<storage, read_write> pixels: array<u32>;

fn vec3_at(at: u32) -> vec3<i32> {
    return vec3<i32>(scene[at], scene[at + 1u], scene[at + 2u]);
}

fn sh12(v: vec3<i32>) -> vec3<i32> {
    return v >> vec3<u32>(12u);
}

fn idot(a: vec3<i32>, b: vec3<i32>) -> i32 {
    return a.x * b.x + a.y * b.y + a.z * b.z;
}

fn isqrt(n: u32) -> u32 {
    var x = n;
    var r = 0u;
    var b = 1u << 30u;
    while (b > x) {
        b = b >> 2u;
    }
    while (b != 0u) {
        if (x >= r + b) {
            x = x - (r + b);
            r = (r >> 1u) + b;
        } else {
            r = r >> 1u;
        }
        b = b >> 2u;
    }
    return r;
}

fn normalize_q12(v: vec3<i32>) -> vec3<i32> {
    let len = i32(isqrt(u32(idot(v, v))));
    if (len == 0) {
        return vec3<i32>(0, 0, 0);
    }
    return vec3<i32>(v.x * DIR_ONE / len, v.y * DIR_ONE / len, v.z * DIR_ONE / len);
}

fn ray_dir(w: i32, h: i32, px: i32, py: i32) -> vec3<i32> {
    let u = clamp(((2 * px + 1 - w) * DIR_ONE) / h, -4 * DIR_ONE, 4 * DIR_ONE);
    let v = ((h - 2 * py - 1) * DIR_ONE) / h;
    let f = vec3_at(S_FWD);
    let r = vec3_at(S_RIGHT);
    let up = vec3_at(S_UP);
    let raw = (f * FOCAL + r * u + up * v) >> vec3<u32>(13u);
    return normalize_q12(raw);
}

fn hit_sphere(at: u32, o: vec3<i32>, d: vec3<i32>) -> i32 {
    let c = vec3_at(at);
    let r = scene[at + 3u];
    if (r <= 0) {
        return T_MAX;
    }
    let oc = c - o;
    let tc = idot(oc, d) >> 12u;
    if (tc <= 0) {
        return T_MAX;
    }
    let q = c - o - sh12(d * tc);
    if (abs(q.x) > r || abs(q.y) > r || abs(q.z) > r) {
        return T_MAX;
    }
    let q2 = idot(q, q);
    let r2 = r * r;
    if (q2 > r2) {
        return T_MAX;
    }
    let t = tc - i32(isqrt(u32(r2 - q2)));
    if (t <= 0) {
        return T_MAX;
    }
    return t;
}

struct BoxHit {
    t: i32,
    face: i32,
}

fn near_bound(at: u32, o: vec3<i32>, d: vec3<i32>) -> bool {
    let c = vec3_at(at);
    let bound = 2 * max(max(scene[at + 3u], scene[at + 4u]), scene[at + 5u]);
    let oc = c - o;
    let tc = idot(oc, d) >> 12u;
    if (tc < -bound) {
        return false;
    }
    let q = oc - sh12(d * tc);
    if (abs(q.x) > bound || abs(q.y) > bound || abs(q.z) > bound) {
        return false;
    }
    return idot(q, q) <= bound * bound;
}

fn hit_box(at: u32, o: vec3<i32>, d: vec3<i32>) -> BoxHit {
    let c = vec3_at(at);
    if (!near_bound(at, o, d)) {
        return BoxHit(T_MAX, 0);
    }
    let oc = o - c;
    var t_near = -T_MAX;
    var t_far = T_MAX;
    var face = 0;
    for (var i = 0u; i < 3u; i = i + 1u) {
        let col = vec3<i32>(scene[at + 6u + i], scene[at + 9u + i], scene[at + 12u + i]);
        let lo = idot(col, oc) >> 12u;
        let ld = idot(col, d) >> 12u;
        let half = scene[at + 3u + i];
        if (ld == 0) {
            if (lo < -half || lo > half) {
                return BoxHit(T_MAX, 0);
            }
        } else {
            let t1 = ((-half - lo) * DIR_ONE) / ld;
            let t2 = ((half - lo) * DIR_ONE) / ld;
            var tn = t2;
            var tf = t1;
            var f = i32(i) * 2 + 1;
            if (t1 < t2) {
                tn = t1;
                tf = t2;
                f = i32(i) * 2;
            }
            if (tn > t_near) {
                t_near = tn;
                face = f;
            }
            if (tf < t_far) {
                t_far = tf;
            }
        }
    }
    if (t_near > t_far || t_near <= 0) {
        return BoxHit(T_MAX, 0);
    }
    return BoxHit(t_near, face);
}

fn occluded(o: vec3<i32>, l: vec3<i32>) -> bool {
    let ns = min(u32(scene[S_NSPHERES]), MAX_SPHERES);
    for (var k = 0u; k < ns; k = k + 1u) {
        if (hit_sphere(S_SPHERES + k * SPHERE_WORDS, o, l) < T_MAX) {
            return true;
        }
    }
    let nb = min(u32(scene[S_NBOXES]), MAX_BOXES);
    for (var k = 0u; k < nb; k = k + 1u) {
        if (hit_box(S_BOXES + k * BOX_WORDS, o, l).t < T_MAX) {
            return true;
        }
    }
    return false;
}

fn channel(rgb: i32, ch: u32) -> i32 {
    return (rgb >> (16u - 8u * ch)) & 0xFF;
}

fn floor_color(arena: i32, p: vec3<i32>) -> i32 {
    if (p.x < -arena || p.x > arena || p.z < -arena || p.z > arena) {
        return GROUND;
    }
    if ((((p.x >> 9u) + (p.z >> 9u)) & 1) == 0) {
        return FLOOR_LIGHT;
    }
    return FLOOR_DARK;
}

fn sky_color(d: vec3<i32>) -> vec3<i32> {
    let k = clamp(d.y, 0, DIR_ONE);
    var c = vec3<i32>(0, 0, 0);
    for (var ch = 0u; ch < 3u; ch = ch + 1u) {
        let lo = channel(SKY_HORIZON, ch);
        c[ch] = lo + (((channel(SKY_ZENITH, ch) - lo) * k) >> 12u);
    }
    return c;
}

fn pack(rgb: vec3<i32>) -> u32 {
    return u32(rgb.x) | (u32(rgb.y) << 8u) | (u32(rgb.z) << 16u) | 0xFF000000u;
}

fn shade_pixel(w: i32, h: i32, px: i32, py: i32) -> u32 {
    let o = vec3_at(S_CAM);
    let d = ray_dir(w, h, px, py);

    var best_t = T_MAX;
    var kind = 0;
    var index = 0u;
    var face = 0;
    let ns = min(u32(scene[S_NSPHERES]), MAX_SPHERES);
    for (var k = 0u; k < ns; k = k + 1u) {
        let t = hit_sphere(S_SPHERES + k * SPHERE_WORDS, o, d);
        if (t < best_t) {
            best_t = t;
            kind = 1;
            index = k;
        }
    }
    let nb = min(u32(scene[S_NBOXES]), MAX_BOXES);
    for (var k = 0u; k < nb; k = k + 1u) {
        let hb = hit_box(S_BOXES + k * BOX_WORDS, o, d);
        if (hb.t < best_t) {
            best_t = hb.t;
            kind = 2;
            index = k;
            face = hb.face;
        }
    }
    if (d.y < 0 && o.y > 0) {
        let t = (-o.y * DIR_ONE) / d.y;
        if (t < best_t) {
            best_t = t;
            kind = 3;
        }
    }

    let sky = sky_color(d);
    if (kind == 0) {
        return pack(sky);
    }
    let p = o + sh12(d * best_t);
    var n = vec3<i32>(0, DIR_ONE, 0);
    var base = 0;
    if (kind == 1) {
        let at = S_SPHERES + index * SPHERE_WORDS;
        let c = vec3_at(at);
        let r = scene[at + 3u];
        n = vec3<i32>((p.x - c.x) * DIR_ONE / r, (p.y - c.y) * DIR_ONE / r, (p.z - c.z) * DIR_ONE / r);
        base = scene[at + 4u];
    } else if (kind == 2) {
        let at = S_BOXES + index * BOX_WORDS;
        let axis = u32(face >> 1u);
        var sign = -1;
        if ((face & 1) == 1) {
            sign = 1;
        }
        n = vec3<i32>(scene[at + 6u + axis] * sign, scene[at + 9u + axis] * sign, scene[at + 12u + axis] * sign);
        base = scene[at + 15u];
    } else {
        base = floor_color(scene[S_ARENA], p);
    }

    let light = vec3_at(S_LIGHT);
    var ndl = idot(n, light) >> 12u;
    if (ndl < 0) {
        ndl = 0;
    }
    if (ndl > 0) {
        let so = p + sh12(n * SHADOW_BIAS);
        if (occluded(so, light)) {
            ndl = 0;
        }
    }
    if (ndl > DIR_ONE) {
        ndl = DIR_ONE;
    }
    let shade = AMBIENT + (((DIR_ONE - AMBIENT) * ndl) >> 12u);
    let fog = clamp((best_t - FOG_START) * DIR_ONE / FOG_RANGE, 0, DIR_ONE);
    var rgb = vec3<i32>(0, 0, 0);
    for (var ch = 0u; ch < 3u; ch = ch + 1u) {
        let c = clamp((channel(base, ch) * shade) >> 12u, 0, 255);
        rgb[ch] = c + (((sky[ch] - c) * fog) >> 12u);
    }
    return pack(rgb);
}

@compute @workgroup_size(8, 8, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let job = jobs[gid.z];
    if (gid.x >= job.w || gid.y >= job.h) {
        return;
    }
    let px = i32(job.x + gid.x);
    let py = i32(job.y + gid.y);
    pixels[job.offset + gid.y * job.w + gid.x] = shade_pixel(i32(job.width), i32(job.height), px, py);
}
