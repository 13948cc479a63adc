/* The explicit engine's search in C, compiled together with the C that
 * checker/interp/cgen.py generates from a model (pack, unpack, expand, inv_table, g_hits).
 *
 * Breadth-first, level by level, driven from Python (checker/engines/explicit_c.py), in the
 * Python backend's order: states are numbered as they are found, successors come in action
 * order and parameter order, so both backends number every state alike and give the same
 * shortest counterexamples.  Stored per state: the packed state (STATE_BYTES) and nothing
 * else; the visited set is an open-addressing table of 4-byte state ids (linear probing,
 * at most 80% full), and the first state of every level is kept.  A state's parent and the
 * step into it are not stored but found again when a trace is asked for (rc_parent): the
 * first state of the level before whose successors, in the search's order, include it --
 * exactly the state and step that first reached it, as a stored parent would say.
 * With a symmetry (NPERM permutations, checker/interp/symmetry.py) every state is stored
 * as its orbit's canonical form (canon), the label being that of the concrete step.
 */

#if NLABELS <= 65536
typedef uint16_t label_t;
#else
typedef uint32_t label_t;
#endif

typedef struct {
    int64_t nstates, cap, next, level_end, deadlocks, first_deadlock, max_states, graph_limit;
    int64_t nedges, edges_cap, tcap, bytes, peak_bytes, cur_sid;
    int32_t stopped, hit_limit, edges_on, stop_when_refuted, nviolated, n_stop, nslots, any;
    int32_t err, err_var, err_value, label_bytes;
    uint8_t *states;
    uint32_t *table;
    uint32_t *edges;
    int32_t *check_slot;  /* check id -> invariant slot, or -1 when the claim is not asked */
    int32_t *inv_slot;    /* state invariant (inv_table order) -> slot, or -1 */
    int64_t *viol_sid;    /* per slot: the state (or -2 - source state for a step) */
    int64_t *viol_lab;    /* per slot: the label of the failing step, or -1 */
    uint8_t *viol_set;
    uint64_t *fired;      /* per action */
    uint64_t *hits;       /* per check id */
    int32_t idbits;       /* a table entry: id + 1 in the low idbits, hash bits above (a tag) */
    uint64_t *watch;      /* the watched read sites' counters (NWATCH) */
    struct rc_set *sets;  /* per projection: its distinct moves */
    uint8_t *psrc;        /* every projection of the state being expanded */
    int64_t watch_bytes;  /* what the sets hold */
    int64_t *level_start; /* the first state of each level (level_start[0] = 0) */
    int64_t nlevels, levels_cap;
    int64_t memo_sid, memo_parent, memo_label;  /* the last state rc_parent was asked about */
} rc_search;

/* A set of the distinct moves of one projection: (projected source, projected target,
 * action) keys of fixed length, stored end to end, found through an open-addressing
 * table of their numbers + 1 (at most half full). */
typedef struct rc_set {
    uint8_t *keys;
    uint32_t *table;
    int64_t n, cap, tcap;
} rc_set;

typedef struct {
    int64_t n, max;
    uint8_t *targets;
    int32_t *actions, *nbad, *bad;
    uint32_t *labels;
} rc_collect;

static rc_search *g_cur;
static rc_collect *g_col;
/* rc_parent's scan: the packed state whose first step in is sought, and that step's label */
static struct { int on, found; uint64_t w[STATE_WORDS]; uint32_t label; } g_find;

static inline uint64_t hash_words(const uint64_t *w) {
    uint64_t h = 0x9E3779B97F4A7C15ull;
    for (int i = 0; i < STATE_WORDS; i++) {
        h ^= w[i];
        h *= 0xff51afd7ed558ccdull;
        h ^= h >> 32;
    }
    h ^= h >> 29;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 32;
    return h;
}

static inline uint64_t slot_of(uint64_t h, int64_t tcap) {
    return (uint64_t)(((unsigned __int128)h * (uint64_t)tcap) >> 64);
}

static inline uint32_t id_mask(int idbits) { return idbits >= 32 ? UINT32_MAX : (1u << idbits) - 1; }

/* the hash bits an entry keeps above its id: most probes of other states end there,
 * without reading the stored state */
static inline uint32_t tag_of(uint64_t h, int idbits) {
    return idbits >= 32 ? 0 : (uint32_t)(h & ((1u << (32 - idbits)) - 1)) << idbits;
}

static void account(rc_search *c) {
    c->bytes = c->cap * (int64_t)STATE_BYTES + c->tcap * 4 + c->edges_cap * 8 + c->watch_bytes
               + c->levels_cap * (int64_t)sizeof(int64_t);
    if (c->bytes > c->peak_bytes) c->peak_bytes = c->bytes;
}

/* the state array grows by an eighth: glibc moves a large block by remapping its pages, not
 * by copying them, so a small step costs little and leaves at most an eighth unused */
static int grow_states(rc_search *c) {
    int64_t cap = c->cap < 1024 ? 1024 : c->cap + c->cap / 8;
    uint8_t *st = realloc(c->states, (size_t)cap * STATE_BYTES);
    if (!st) return 0;
    c->states = st;
    c->cap = cap;
    account(c);
    return 1;
}

/* the table grows by half when it is 80% full: 53-80% full, 5-7.5 bytes a state (growing by a
 * quarter cost a fifth more time in rehashing) */
static int grow_table(rc_search *c) {
    int64_t tcap = c->tcap < 2048 ? 2048 : c->tcap + c->tcap / 2;
    if (tcap > (int64_t)UINT32_MAX) tcap = UINT32_MAX;
    if (tcap <= c->tcap) return 0;
    uint32_t *t = calloc((size_t)tcap, sizeof(uint32_t));
    if (!t) return 0;
    int idbits = 64 - __builtin_clzll((uint64_t)tcap);  /* id + 1 <= tcap < 2^idbits */
    enum { AHEAD = 32 };  /* the states are hashed this far ahead, their slots prefetched */
    uint64_t hs[AHEAD];
    for (int64_t base = 0; base < c->nstates; base += AHEAD) {
        int64_t m = c->nstates - base < AHEAD ? c->nstates - base : AHEAD;
        for (int64_t i = 0; i < m; i++) {
            uint64_t w[STATE_WORDS] = {0};
            memcpy(w, c->states + (base + i) * STATE_BYTES, STATE_BYTES);
            hs[i] = hash_words(w);
            __builtin_prefetch(&t[slot_of(hs[i], tcap)], 1);
        }
        for (int64_t i = 0; i < m; i++) {
            uint64_t pos = slot_of(hs[i], tcap);
            while (t[pos]) if (++pos == (uint64_t)tcap) pos = 0;
            t[pos] = tag_of(hs[i], idbits) | (uint32_t)(base + i + 1);
        }
    }
    free(c->table);
    c->table = t;
    c->tcap = tcap;
    c->idbits = idbits;
    account(c);
    return 1;
}

static void record(rc_search *c, int slot, int64_t sid, int64_t lab) {
    c->viol_set[slot] = 1;
    c->viol_sid[slot] = sid;
    c->viol_lab[slot] = lab;
    c->nviolated++;
}

static void oom(rc_search *c) {
    c->err = 5;
    c->stopped = 1;
}

/* a new state: stored, entered in the table at pos with tag, its state invariants evaluated
 * (on n, or on w unpacked when n is 0) */
static int64_t add(rc_search *c, const uint64_t *w, const uint8_t *n, uint64_t pos, uint32_t tag) {
    if (c->nstates == c->cap && !grow_states(c)) { oom(c); return -1; }
    int64_t id = c->nstates++;
    memcpy(c->states + id * STATE_BYTES, w, STATE_BYTES);
    c->table[pos] = tag | (uint32_t)(id + 1);
    if (c->nstates * 5 > c->tcap * 4 && !grow_table(c)) { oom(c); return -1; }
    uint8_t flat[STATE_LEN];
    for (int k = 0; k < NSTATEINV; k++) {
        int slot = c->inv_slot[k];
        if (slot < 0 || c->viol_set[slot]) continue;
        if (!n) { unpack(w, flat); n = flat; }
        if (!inv_table[k](n)) record(c, slot, id, -1);
    }
    return id;
}

/* where the packed state w (hash h) is in the table (*found) or would go (with *tag) */
static uint64_t lookup(rc_search *c, const uint64_t *w, uint64_t h, int64_t *found, uint32_t *tag) {
    uint64_t pos = slot_of(h, c->tcap);
    uint32_t mask = id_mask(c->idbits);
    *tag = tag_of(h, c->idbits);
    for (;;) {
        uint32_t e = c->table[pos];
        if (!e) { *found = -1; return pos; }
        if ((e & ~mask) == *tag) {
            int64_t id = (int64_t)(e & mask) - 1;
            if (memcmp(c->states + id * STATE_BYTES, w, STATE_BYTES) == 0) { *found = id; return pos; }
        }
        if (++pos == (uint64_t)c->tcap) pos = 0;
    }
}

/* The transitions of the state being expanded wait here until it is done (or PENDING of
 * them are waiting): their table slots and stored states are prefetched together, then
 * they are taken in the order they came, exactly as one at a time. */
#define PENDING 64
typedef struct {
    uint64_t w[STATE_WORDS], h;
    uint32_t label;
    int32_t nbad, bad_at;
    uint8_t flat[NSTATEINV ? STATE_LEN : 1];  /* the state stored, unpacked: the claims are evaluated on it */
} pending;
static pending g_pend[PENDING];
static int32_t g_pend_bad[PENDING * MAX_BAD];
static int g_npend;

static void take(rc_search *c, pending *p) {
    for (int i = 0; i < p->nbad; i++) {
        int slot = c->check_slot[g_pend_bad[p->bad_at + i]];
        if (slot >= 0 && !c->viol_set[slot]) record(c, slot, -2 - c->cur_sid, p->label);
    }
    int64_t tid;
    uint32_t tag;
    uint64_t pos = lookup(c, p->w, p->h, &tid, &tag);
    if (tid < 0) {
        if (c->nstates == c->max_states) { c->stopped = c->hit_limit = 1; return; }
        tid = add(c, p->w, NSTATEINV ? p->flat : 0, pos, tag);
        if (tid < 0) return;
    }
    if (c->edges_on) {
        if (c->nstates > c->graph_limit) {  /* the graph is dropped at the end of this level anyway */
            free(c->edges); c->edges = 0; c->edges_on = 0; c->nedges = c->edges_cap = 0; account(c);
            return;
        }
        if (c->nedges == c->edges_cap) {
            int64_t cap = c->edges_cap < 4096 ? 4096 : c->edges_cap * 2;
            uint32_t *e = realloc(c->edges, (size_t)cap * 2 * sizeof(uint32_t));
            if (!e) { oom(c); return; }
            c->edges = e; c->edges_cap = cap; account(c);
        }
        c->edges[2 * c->nedges] = (uint32_t)c->cur_sid;
        c->edges[2 * c->nedges + 1] = (uint32_t)tid;
        c->nedges++;
    }
}

static void flush(rc_search *c) {
    uint32_t mask = id_mask(c->idbits);
    for (int i = 0; i < g_npend; i++) {
        g_pend[i].h = hash_words(g_pend[i].w);
        __builtin_prefetch(&c->table[slot_of(g_pend[i].h, c->tcap)]);
    }
    for (int i = 0; i < g_npend; i++) {
        uint32_t e = c->table[slot_of(g_pend[i].h, c->tcap)];
        if (e && (e & ~mask) == tag_of(g_pend[i].h, c->idbits))
            __builtin_prefetch(c->states + (int64_t)((e & mask) - 1) * STATE_BYTES);
    }
    for (int i = 0; i < g_npend && !c->err; i++) take(c, &g_pend[i]);
    g_npend = 0;
}

/* ---------------------------------------------------------- projections */

#define MOVE_MAXLEN (2 * PROJ_MAXLEN + 4)

static inline uint64_t hash_bytes(const uint8_t *p, int len) {
    uint64_t h = 0xcbf29ce484222325ull;
    for (int i = 0; i < len; i++) h = (h ^ p[i]) * 0x100000001b3ull;
    h ^= h >> 29;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 32;
    return h;
}

static int set_grow(rc_set *t, int len) {
    int64_t tcap = t->tcap < 1024 ? 1024 : t->tcap * 2;
    uint32_t *table = calloc((size_t)tcap, sizeof(uint32_t));
    if (!table) return 0;
    for (int64_t i = 0; i < t->n; i++) {
        uint64_t pos = slot_of(hash_bytes(t->keys + i * len, len), tcap);
        while (table[pos]) if (++pos == (uint64_t)tcap) pos = 0;
        table[pos] = (uint32_t)(i + 1);
    }
    free(t->table);
    t->table = table;
    t->tcap = tcap;
    return 1;
}

/* add key (len bytes) to t: 0 when out of memory, 2 when t grew, else 1 */
static int set_add(rc_set *t, const uint8_t *key, int len) {
    int grew = 1;
    if ((t->n + 1) * 2 > t->tcap) {
        if (t->n >= (int64_t)UINT32_MAX / 2 || !set_grow(t, len)) return 0;
        grew = 2;
    }
    uint64_t pos = slot_of(hash_bytes(key, len), t->tcap);
    for (uint32_t e; (e = t->table[pos]); ) {
        if (memcmp(t->keys + (int64_t)(e - 1) * len, key, len) == 0) return grew;
        if (++pos == (uint64_t)t->tcap) pos = 0;
    }
    if (t->n == t->cap) {
        int64_t cap = t->cap < 256 ? 256 : t->cap * 2;
        uint8_t *k = realloc(t->keys, (size_t)cap * len);
        if (!k) return 0;
        t->keys = k;
        t->cap = cap;
        grew = 2;
    }
    memcpy(t->keys + t->n * len, key, len);
    t->table[pos] = (uint32_t)(++t->n);
    return grew;
}

/* the state being expanded, projected (once per state) */
static void project_source(rc_search *c, const uint8_t *s) {
    for (int j = 0; j < NPROJ; j++)
        for (int k = 0; k < proj_len[j]; k++) c->psrc[proj_start[j] + k] = s[proj_at[proj_start[j] + k]];
}

/* a transition to n: a move of each projection that it changes */
static void watch_moves(rc_search *c, int action, const uint8_t *n) {
    for (int j = 0; j < NPROJ; j++) {
        int len = proj_len[j], diff = 0;
        const int32_t *at = proj_at + proj_start[j];
        const uint8_t *src = c->psrc + proj_start[j];
        uint8_t key[MOVE_MAXLEN];
        for (int k = 0; k < len; k++) {
            key[len + k] = n[at[k]];
            diff |= key[len + k] ^ src[k];
        }
        if (!diff) continue;
        memcpy(key, src, len);
        int32_t a = action;
        memcpy(key + 2 * len, &a, 4);
        int r = set_add(&c->sets[j], key, 2 * len + 4);
        if (!r) { oom(c); return; }
        if (r == 2) {  /* a set grew: count what every set holds */
            c->watch_bytes = 0;
            for (int i = 0; i < NPROJ; i++)
                c->watch_bytes += c->sets[i].cap * (2 * proj_len[i] + 4) + c->sets[i].tcap * 4;
            account(c);
        }
    }
}

/* the packed state stored for the flat state n (its canonical form under a symmetry), and
 * that state unpacked in flat unless flat is 0 */
static inline void stored_form(const uint8_t *n, uint64_t *w, uint8_t *flat) {
#if NPERM
    uint8_t m[STATE_LEN];
    memcpy(m, n, STATE_LEN);
    canon(m);
    n = m;
#endif
    pack(n, w);
    if (flat) memcpy(flat, n, STATE_LEN);
}

static void emit(int action, uint32_t label, const uint8_t *n, const int32_t *bad, int nbad) {
    if (g_find.on) {
        if (g_find.found) return;
        uint64_t w[STATE_WORDS];
        stored_form(n, w, 0);
        if (memcmp(w, g_find.w, STATE_BYTES) == 0) { g_find.found = 1; g_find.label = label; }
        return;
    }
    if (g_col) {
        rc_collect *k = g_col;
        uint64_t w[STATE_WORDS];
        if (k->n == k->max) { fail(6, -1, (int)k->max); return; }
        pack(n, w);
        unpack(w, k->targets + k->n * STATE_LEN);
        k->actions[k->n] = action;
        k->labels[k->n] = label;
        k->nbad[k->n] = nbad;
        memcpy(k->bad + k->n * MAX_BAD, bad, (size_t)nbad * sizeof(int32_t));
        k->n++;
        return;
    }
    rc_search *c = g_cur;
    c->any = 1;
    c->fired[action]++;
    if (NPROJ) watch_moves(c, action, n);
    pending *p = &g_pend[g_npend];
    stored_form(n, p->w, NSTATEINV ? p->flat : 0);
    p->label = label;
    p->nbad = nbad;
    p->bad_at = g_npend * MAX_BAD;
    memcpy(g_pend_bad + p->bad_at, bad, (size_t)nbad * sizeof(int32_t));
    if (++g_npend == PENDING) flush(c);
}

/* ------------------------------------------------------------------ API */

int rc_state_len(void) { return STATE_LEN; }
int rc_state_bytes(void) { return STATE_BYTES; }
int rc_label_bytes(void) { return (int)sizeof(label_t); }

void rc_free(rc_search *c) {
    if (!c) return;
    free(c->states); free(c->table); free(c->edges); free(c->level_start);
    free(c->check_slot); free(c->inv_slot); free(c->viol_sid); free(c->viol_lab); free(c->viol_set);
    free(c->fired); free(c->hits); free(c->watch); free(c->psrc);
    if (c->sets)
        for (int j = 0; j < NPROJ; j++) { free(c->sets[j].keys); free(c->sets[j].table); }
    free(c->sets);
    free(c);
}

rc_search *rc_new(const uint8_t *init, int64_t max_states, int64_t graph_limit, const int32_t *check_slot,
                  const int32_t *inv_slot, int32_t nslots, int32_t n_stop, int32_t stop_when_refuted) {
    rc_search *c = calloc(1, sizeof(rc_search));
    if (!c) return 0;
    c->max_states = max_states;
    c->graph_limit = graph_limit;
    c->edges_on = graph_limit > 0;
    c->nslots = nslots;
    c->n_stop = n_stop;
    c->stop_when_refuted = stop_when_refuted;
    c->first_deadlock = -1;
    c->label_bytes = (int32_t)sizeof(label_t);
    c->check_slot = malloc(NCHECKS * sizeof(int32_t));
    c->inv_slot = malloc((NSTATEINV + 1) * sizeof(int32_t));
    c->viol_sid = calloc((size_t)nslots + 1, sizeof(int64_t));
    c->viol_lab = calloc((size_t)nslots + 1, sizeof(int64_t));
    c->viol_set = calloc((size_t)nslots + 1, 1);
    c->fired = calloc(NACTIONS + 1, sizeof(uint64_t));
    c->hits = calloc(NCHECKS, sizeof(uint64_t));
    c->watch = calloc(NWATCH, sizeof(uint64_t));
    c->sets = calloc(NPROJ + 1, sizeof(rc_set));
    c->psrc = calloc(PROJ_MAXLEN * NPROJ + 1, 1);
    c->levels_cap = 64;
    c->level_start = calloc((size_t)c->levels_cap, sizeof(int64_t));
    c->nlevels = 1;  /* level 0: the initial state */
    c->memo_sid = -1;
    if (!c->level_start || !c->check_slot || !c->inv_slot || !c->viol_sid || !c->viol_lab || !c->viol_set || !c->fired || !c->hits
        || !c->watch || !c->sets || !c->psrc || !grow_states(c) || !grow_table(c)) { rc_free(c); return 0; }
    memcpy(c->check_slot, check_slot, NCHECKS * sizeof(int32_t));
    memcpy(c->inv_slot, inv_slot, NSTATEINV * sizeof(int32_t));
    uint64_t w[STATE_WORDS];
    pack(init, w);
    int64_t found;
    uint32_t tag;
    uint64_t pos = lookup(c, w, hash_words(w), &found, &tag);
    add(c, w, init, pos, tag);
    return c;
}

/* start the next level: 0 when there is none (frontier empty, or the search stopped) */
int rc_level(rc_search *c) {
    if (c->stopped || c->next >= c->nstates) return 0;
    c->level_end = c->nstates;
    if (c->nlevels == c->levels_cap) {
        int64_t *l = realloc(c->level_start, (size_t)c->levels_cap * 2 * sizeof(int64_t));
        if (!l) { oom(c); return 0; }
        c->level_start = l;
        c->levels_cap *= 2;
        account(c);
    }
    c->level_start[c->nlevels++] = c->level_end;  /* what this level finds is the next level */
    return 1;
}

/* expand up to budget states of the level: 1 when the level is done, 0 when not, -1 on error */
int rc_run(rc_search *c, int64_t budget) {
    uint8_t s[STATE_LEN];
    g_cur = c;
    g_col = 0;
    g_err = 0;
    g_watch = c->watch;
    memcpy(g_hits, c->hits, sizeof(g_hits));
    while (budget-- > 0 && c->next < c->level_end) {
        int64_t sid = c->next++;
        uint64_t w[STATE_WORDS] = {0};
        memcpy(w, c->states + sid * STATE_BYTES, STATE_BYTES);
        unpack(w, s);
        c->cur_sid = sid;
        c->any = 0;
        if (NPROJ) project_source(c, s);
        g_npend = 0;
        expand(s);
        if (!g_err) flush(c);
        if (g_err || c->err) break;
        if (!c->any) {
            c->deadlocks++;
            if (c->first_deadlock < 0) c->first_deadlock = sid;
        }
        if (c->stop_when_refuted && c->nviolated == c->n_stop) {
            c->stopped = 1;
            c->next = c->level_end;
        }
    }
    memcpy(c->hits, g_hits, sizeof(g_hits));
    g_watch = 0;
    if (g_err && !c->err) { c->err = g_err; c->err_var = g_err_var; c->err_value = g_err_value; }
    if (c->err) return -1;
    return c->next >= c->level_end;
}

/* the state that first reached sid and the label of that step (memo_parent -1 for the
 * initial state): the states of the level before sid's are expanded again in order until
 * one emits sid's stored form; -2 when none does (a bug) */
static void find_parent(rc_search *c, int64_t sid) {
    if (c->memo_sid == sid) return;
    c->memo_sid = sid;
    c->memo_parent = -1;
    c->memo_label = 0;
    if (sid <= 0) return;
    int64_t d = c->nlevels - 1;
    while (c->level_start[d] > sid) d--;
    memset(g_find.w, 0, sizeof(g_find.w));
    memcpy(g_find.w, c->states + sid * STATE_BYTES, STATE_BYTES);
    uint8_t s[STATE_LEN];
    rc_collect *col = g_col;
    g_col = 0;
    g_watch = 0;
    g_find.on = 1;
    c->memo_parent = -2;
    for (int64_t p = c->level_start[d - 1]; p < c->level_start[d]; p++) {
        uint64_t w[STATE_WORDS] = {0};
        memcpy(w, c->states + p * STATE_BYTES, STATE_BYTES);
        unpack(w, s);
        g_find.found = 0;
        g_err = 0;
        expand(s);
        if (g_find.found) { c->memo_parent = p; c->memo_label = g_find.label; break; }
    }
    g_find.on = 0;
    g_col = col;
}

int64_t rc_parent(rc_search *c, int64_t sid) { find_parent(c, sid); return c->memo_parent; }
int64_t rc_via(rc_search *c, int64_t sid) { find_parent(c, sid); return c->memo_label; }

void rc_state(rc_search *c, int64_t sid, uint8_t *out) {
    uint64_t w[STATE_WORDS] = {0};
    memcpy(w, c->states + sid * STATE_BYTES, STATE_BYTES);
    unpack(w, out);
}

/* the successors of one state, as the search sees them (packed and unpacked again):
 * their number, or -1 on a spec error (rc_error), -2 when more than max */
int64_t rc_successors(const uint8_t *s, int64_t max, uint8_t *targets, int32_t *actions, uint32_t *labels,
                      int32_t *nbad, int32_t *bad, int32_t *err) {
    rc_collect k = {0, max, targets, actions, nbad, bad, labels};
    g_col = &k;
    g_err = 0;
    g_watch = 0;
    expand(s);
    g_col = 0;
    err[0] = g_err; err[1] = g_err_var; err[2] = g_err_value;
    if (g_err) return g_err == 6 ? -2 : -1;
    return k.n;
}

/* the distinct moves of projection j: their number; copied to out (each 2 * proj_len[j] + 4
 * bytes: source, target, action) unless out is 0 */
int64_t rc_moves(rc_search *c, int32_t j, uint8_t *out) {
    if (j < 0 || j >= NPROJ) return 0;
    if (out) memcpy(out, c->sets[j].keys, (size_t)(c->sets[j].n * (2 * proj_len[j] + 4)));
    return c->sets[j].n;
}

int rc_watch_counters(void) { return NWATCH; }

/* the canonical form of the flat state s (s itself without symmetry) */
void rc_canon(const uint8_t *s, uint8_t *out) {
    memcpy(out, s, STATE_LEN);
    canon(out);
}

int rc_symmetric(void) { return NPERM > 0; }

/* The shape of the state graph, as checker.engines.explicit.graph_summary gives it with
 * networkx: out[0] nodes, [1] distinct edges (self-loops included), [2] strongly connected
 * components, [3] of them terminal (no edge to another component), [4] the largest's size.
 * Tarjan's algorithm without recursion over the edges, which come grouped by source in
 * increasing order (each state's successors as it was expanded).  0 when out of memory. */
int rc_graph(rc_search *c, int64_t *out) {
    int64_t n = c->nstates, m = c->nedges;
    int64_t *first = calloc((size_t)n + 1, sizeof(int64_t));
    uint32_t *succ = malloc((size_t)(m ? m : 1) * sizeof(uint32_t));
    int32_t *index = malloc((size_t)n * sizeof(int32_t)), *low = malloc((size_t)n * sizeof(int32_t));
    int32_t *comp = malloc((size_t)n * sizeof(int32_t)), *stack = malloc((size_t)n * sizeof(int32_t));
    int32_t *call = malloc((size_t)n * sizeof(int32_t));
    int64_t *next = malloc((size_t)n * sizeof(int64_t));
    uint8_t *onstack = calloc((size_t)n + 1, 1);
    int ok = first && succ && index && low && comp && stack && call && next && onstack;
    if (ok) {
        int64_t distinct = 0;
        for (int64_t e = 0; e < m; e++) first[c->edges[2 * e] + 1]++;
        for (int64_t v = 0; v < n; v++) first[v + 1] += first[v];
        for (int64_t e = 0; e < m; e++) succ[e] = c->edges[2 * e + 1];  /* grouped by source already */
        for (int64_t v = 0; v < n; v++) {  /* distinct targets of v: insertion-sort its few successors */
            for (int64_t i = first[v] + 1; i < first[v + 1]; i++) {
                uint32_t x = succ[i];
                int64_t j = i;
                while (j > first[v] && succ[j - 1] > x) { succ[j] = succ[j - 1]; j--; }
                succ[j] = x;
            }
            for (int64_t i = first[v]; i < first[v + 1]; i++) distinct += i == first[v] || succ[i] != succ[i - 1];
        }
        int32_t counter = 0, sp = 0, ncomp = 0;
        for (int64_t v = 0; v < n; v++) index[v] = -1;
        for (int64_t root = 0; root < n; root++) {
            if (index[root] >= 0) continue;
            int32_t depth = 0;
            call[0] = (int32_t)root;
            index[root] = low[root] = counter++;
            next[root] = first[root];
            stack[sp++] = (int32_t)root;
            onstack[root] = 1;
            while (depth >= 0) {
                int32_t v = call[depth];
                if (next[v] < first[v + 1]) {
                    int32_t w = (int32_t)succ[next[v]++];
                    if (index[w] < 0) {
                        index[w] = low[w] = counter++;
                        next[w] = first[w];
                        stack[sp++] = w;
                        onstack[w] = 1;
                        call[++depth] = w;
                    } else if (onstack[w] && index[w] < low[v]) {
                        low[v] = index[w];
                    }
                    continue;
                }
                if (low[v] == index[v]) {
                    int32_t w;
                    do { w = stack[--sp]; onstack[w] = 0; comp[w] = ncomp; } while (w != v);
                    ncomp++;
                }
                if (--depth >= 0 && low[v] < low[call[depth]]) low[call[depth]] = low[v];
            }
        }
        /* reuse: call = component sizes, onstack = "has an edge out" */
        memset(call, 0, (size_t)n * sizeof(int32_t));
        memset(onstack, 0, (size_t)n + 1);
        int32_t largest = 0;
        for (int64_t v = 0; v < n; v++) if (++call[comp[v]] > largest) largest = call[comp[v]];
        for (int64_t v = 0; v < n; v++)
            for (int64_t i = first[v]; i < first[v + 1]; i++)
                if (comp[succ[i]] != comp[v]) onstack[comp[v]] = 1;
        int64_t terminal = 0;
        for (int32_t k = 0; k < ncomp; k++) terminal += !onstack[k];
        out[0] = n; out[1] = distinct; out[2] = ncomp; out[3] = terminal; out[4] = largest;
    }
    free(first); free(succ); free(index); free(low); free(comp); free(stack); free(call); free(next); free(onstack);
    return ok;
}
