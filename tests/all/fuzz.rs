//! A structure-aware fuzz of the command line over the real scenarios: each
//! case is a file of `scenarios/` with a few mutations — keys and tables
//! deleted, types swapped, extreme numbers (0, -1, 1e300, 1e-300, NaN-ish
//! text, u32/u64 max), huge strings, unicode, truncation at a random byte —
//! given to `check`, `run` (with a short horizon and an event cap) and, for
//! some, `sweep`. Each must exit 0 or 2: no panic (101), no abort, no signal,
//! no hang (a per-case limit on CPU time, and a wall-clock watchdog for one
//! that waits), under a 4 GB address-space limit so that
//! an allocation failure shows as an abort rather than a machine stall.
//!
//! CI runs a small budget on a fixed seed; `FLOWSIM_FUZZ_CASES=5000` (and
//! `FLOWSIM_FUZZ_SEED`) run a long campaign, which prints every failure with
//! its case file kept in `FLOWSIM_FUZZ_KEEP` (default: a temporary folder).

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};
use toml::Value;

/// Cases in CI: about 10 s on 2 cores in the test profile.
const CI_CASES: usize = 300;
const CI_SEED: u64 = 0x5eed_f1e5;
/// A case that uses more CPU time than this is a hang. Generous: a sweep case
/// of producer-buffer at 100,000 messages a second uses about 25 s. CPU time,
/// not wall time, so that a machine busy with other builds does not turn a
/// slow case into a hang.
const CPU_LIMIT_S: u64 = 120;
/// A case still running after this much wall time is a hang too (one that
/// waits without using the CPU).
const WATCHDOG: Duration = Duration::from_secs(900);
const MEMORY_LIMIT: u64 = 4 << 30;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// Values a hostile or careless file may hold where a number, text or table
/// was expected.
fn extreme(rng: &mut Rng) -> Value {
    let pick = [
        Value::Integer(0),
        Value::Integer(-1),
        Value::Integer(1),
        Value::Float(1e300),
        Value::Float(-1e300),
        Value::Float(1e-300),
        Value::Float(0.0),
        Value::Float(f64::NAN),
        Value::Float(f64::INFINITY),
        Value::Float(f64::NEG_INFINITY),
        Value::Integer(u32::MAX as i64),
        Value::Integer(u32::MAX as i64 + 1),
        Value::Integer(i64::MAX),
        Value::Integer(i64::MIN),
        Value::Float(u64::MAX as f64),
        Value::Float(1e9),
        Value::String("NaN".into()),
        Value::String("inf".into()),
        Value::String("-0".into()),
        Value::String("10s".into()),
        Value::String(String::new()),
        Value::String("x".repeat(100_000)),
        Value::String("ünïcödé 🦀 \u{202e}".into()),
        Value::String("\0\r\n\t\u{1b}[31m".into()),
        Value::Boolean(true),
        Value::Array(vec![]),
        Value::Array(vec![Value::Integer(1), Value::String("a".into())]),
        Value::Table(toml::Table::new()),
    ];
    pick[rng.below(pick.len())].clone()
}

/// Every path to a value in the document, tables and arrays included.
fn paths(v: &Value, at: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    match v {
        Value::Table(t) => {
            for (k, c) in t {
                at.push(Step::Key(k.clone()));
                out.push(at.clone());
                paths(c, at, out);
                at.pop();
            }
        }
        Value::Array(a) => {
            for (i, c) in a.iter().enumerate() {
                at.push(Step::Index(i));
                out.push(at.clone());
                paths(c, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

#[derive(Clone, Debug)]
enum Step {
    Key(String),
    Index(usize),
}

/// The container of the value at `path`, and its last step.
fn parent<'a>(root: &'a mut Value, path: &[Step]) -> Option<&'a mut Value> {
    let mut v = root;
    for s in &path[..path.len() - 1] {
        v = match (s, v) {
            (Step::Key(k), Value::Table(t)) => t.get_mut(k)?,
            (Step::Index(i), Value::Array(a)) => a.get_mut(*i)?,
            _ => return None,
        };
    }
    Some(v)
}

/// A number moved within its order of magnitude or a few beyond: files that
/// still validate, to reach the runs.
fn scaled(v: &Value, rng: &mut Rng) -> Option<Value> {
    match v {
        Value::Integer(i) => {
            let by = [0, 1, 2, 3, 10, 100][rng.below(6)];
            Some(Value::Integer(i.saturating_mul(by)))
        }
        Value::Float(x) => {
            let by = [0.0, 0.1, 0.5, 2.0, 10.0, 1000.0][rng.below(6)];
            Some(Value::Float(x * by))
        }
        _ => None,
    }
}

fn mutate(doc: &mut Value, rng: &mut Rng) {
    let mut all = vec![];
    paths(doc, &mut vec![], &mut all);
    if all.is_empty() {
        return;
    }
    let path = all[rng.below(all.len())].clone();
    let Some(container) = parent(doc, &path) else {
        return;
    };
    let last = path.last().unwrap();
    let op = rng.below(10);
    let gentle = rng.chance(50);
    match (container, last) {
        (Value::Table(t), Step::Key(k))
            if gentle && t.get(k).is_some_and(|v| v.is_integer() || v.is_float()) =>
        {
            let v = scaled(&t[k.as_str()], rng).unwrap();
            t.insert(k.clone(), v);
        }
        (Value::Array(a), Step::Index(i))
            if gentle && a.get(*i).is_some_and(|v| v.is_integer() || v.is_float()) =>
        {
            a[*i] = scaled(&a[*i], rng).unwrap();
        }
        (Value::Table(t), Step::Key(k)) => match op {
            0..=2 => {
                t.remove(k);
            }
            3 => {
                // A misspelt twin of the key.
                if let Some(v) = t.remove(k) {
                    t.insert(format!("{k}x"), v);
                }
            }
            4 => {
                // A duplicate of an array of tables' entry, or a table in a list.
                if let Some(Value::Array(a)) = t.get_mut(k)
                    && let Some(first) = a.first().cloned()
                {
                    for _ in 0..1 + rng.below(3) {
                        a.push(first.clone());
                    }
                }
            }
            _ => {
                t.insert(k.clone(), extreme(rng));
            }
        },
        (Value::Array(a), Step::Index(i)) if *i < a.len() => match op {
            0..=3 => {
                a.remove(*i);
            }
            _ => a[*i] = extreme(rng),
        },
        _ => {}
    }
}

fn scenarios() -> Vec<(String, Value)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let mut v: Value = std::fs::read_to_string(&p)
                .unwrap()
                .parse::<toml::Table>()
                .map(Value::Table)
                .unwrap();
            // A short run: the fuzz is about input, not long simulations.
            if let Value::Table(t) = &mut v {
                let run = t
                    .entry("run")
                    .or_insert_with(|| Value::Table(toml::Table::new()));
                if let Value::Table(r) = run {
                    r.insert("horizon_s".into(), Value::Float(5.0));
                    r.insert("warmup_s".into(), Value::Float(0.0));
                    r.insert("max_events".into(), Value::Integer(200_000));
                }
                t.remove("sweep");
            }
            (p.file_stem().unwrap().to_string_lossy().into_owned(), v)
        })
        .collect()
}

/// A case: the file's bytes and the command lines to try on it.
struct Case {
    bytes: Vec<u8>,
    sweep: Option<Vec<String>>,
}

fn case(base: &Value, rng: &mut Rng) -> Case {
    let mut doc = base.clone();
    for _ in 0..1 + rng.below(3) {
        mutate(&mut doc, rng);
    }
    let text = match &doc {
        Value::Table(t) => toml::to_string(t).unwrap_or_default(),
        _ => String::new(),
    };
    let mut bytes = text.into_bytes();
    if rng.chance(15) && !bytes.is_empty() {
        // Truncation at any byte, inside a UTF-8 character or not.
        bytes.truncate(rng.below(bytes.len()));
    }
    if rng.chance(3) && !bytes.is_empty() {
        let i = rng.below(bytes.len());
        bytes[i] = 0xff;
    }
    let sweep = rng.chance(10).then(|| {
        let sets = [
            "producer[0].rate=1,2",
            "consumer[0].workers=1,4",
            "run.seed=1..3:count=2",
            "consumer[0].processing_s.cv=0.5,1e300",
            "queue[0].visibility_timeout_s=-1,5",
            "producer[0].rate=1e300",
        ];
        vec![
            "--set".to_string(),
            sets[rng.below(sets.len())].to_string(),
            "--reps".into(),
            "1".into(),
        ]
    });
    Case { bytes, sweep }
}

/// How a command ended, when it is not exit 0 or 2.
fn failure(status: Option<ExitStatus>) -> Option<String> {
    use std::os::unix::process::ExitStatusExt;
    let Some(s) = status else {
        return Some("hang".into());
    };
    match (s.code(), s.signal()) {
        (Some(0 | 2), _) => None,
        (Some(101), _) => Some("panic".into()),
        (Some(c), _) => Some(format!("exit {c}")),
        (None, Some(6)) => Some("abort".into()),
        (None, Some(libc::SIGXCPU)) => Some("hang".into()),
        (None, Some(sig)) => Some(format!("signal {sig}")),
        (None, None) => Some("unknown".into()),
    }
}

/// Runs flowsim with `args` under the memory limit and the watchdog; `None`
/// for a hang. stderr is kept for the report.
fn flowsim(args: &[String]) -> (Option<ExitStatus>, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_flowsim"));
    cmd.args(args)
        .env("RAYON_NUM_THREADS", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    // SAFETY: setrlimit is async-signal-safe; nothing else runs in the child
    // between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            let lim = libc::rlimit {
                rlim_cur: MEMORY_LIMIT,
                rlim_max: MEMORY_LIMIT,
            };
            if libc::setrlimit(libc::RLIMIT_AS, &lim) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            let cpu = libc::rlimit {
                rlim_cur: CPU_LIMIT_S,
                rlim_max: CPU_LIMIT_S + 5,
            };
            if libc::setrlimit(libc::RLIMIT_CPU, &cpu) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut child = cmd.spawn().expect("flowsim starts");
    let mut err = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = std::io::Read::read_to_end(&mut err, &mut s);
        String::from_utf8_lossy(&s[..s.len().min(4000)]).into_owned()
    });
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break Some(s);
        }
        if start.elapsed() > WATCHDOG {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    (status, reader.join().unwrap_or_default())
}

#[derive(Debug)]
struct Found {
    class: String,
    command: String,
    file: PathBuf,
    stderr: String,
}

/// Commands that ended 0 (accepted and ran) and 2 (refused), per subcommand.
type Tally = std::collections::BTreeMap<String, usize>;

fn run_case(
    n: usize,
    name: &str,
    c: &Case,
    keep: &Path,
    tally: &std::sync::Mutex<Tally>,
) -> Vec<Found> {
    let file = keep.join(format!("case{n:05}-{name}.toml"));
    std::fs::write(&file, &c.bytes).unwrap();
    let out = keep.join(format!("out{n:05}"));
    let f = file.to_string_lossy().into_owned();
    let o = out.to_string_lossy().into_owned();
    let mut commands = vec![
        vec!["check".to_string(), f.clone()],
        vec![
            "run".into(),
            "-q".into(),
            f.clone(),
            "--out".into(),
            o.clone(),
        ],
    ];
    if let Some(sets) = &c.sweep {
        let mut cmd = vec!["sweep".to_string(), "-q".into(), f.clone()];
        cmd.extend(sets.iter().cloned());
        cmd.extend(["--out".to_string(), o.clone()]);
        commands.push(cmd);
    }
    let mut found = vec![];
    for cmd in commands {
        let (status, stderr) = flowsim(&cmd);
        if let Some(code) = status.and_then(|s| s.code()) {
            *tally
                .lock()
                .unwrap()
                .entry(format!("{} exit {code}", cmd[0]))
                .or_default() += 1;
        }
        if let Some(class) = failure(status) {
            found.push(Found {
                class: format!("{} {class}", cmd[0]),
                command: cmd.join(" "),
                file: file.clone(),
                stderr,
            });
        }
    }
    let _ = std::fs::remove_dir_all(&out);
    if found.is_empty() {
        let _ = std::fs::remove_file(&file);
    }
    found
}

#[test]
fn hostile_scenarios_exit_0_or_2() {
    let cases: usize = std::env::var("FLOWSIM_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(CI_CASES);
    let seed: u64 = std::env::var("FLOWSIM_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(CI_SEED);
    let tmp = tempfile::tempdir().unwrap();
    let keep = std::env::var_os("FLOWSIM_FUZZ_KEEP")
        .map(PathBuf::from)
        .unwrap_or_else(|| tmp.path().to_path_buf());
    std::fs::create_dir_all(&keep).unwrap();
    let bases = scenarios();
    // The unmutated bases, shortened, are valid: the fuzz starts from files
    // that run.
    for (name, base) in &bases {
        let f = keep.join(format!("base-{name}.toml"));
        let Value::Table(t) = base else {
            unreachable!()
        };
        std::fs::write(&f, toml::to_string(t).unwrap()).unwrap();
        let (status, stderr) = flowsim(&["check".into(), f.to_string_lossy().into_owned()]);
        assert!(status.is_some_and(|s| s.success()), "{name}: {stderr}");
        std::fs::remove_file(&f).unwrap();
    }
    // Cases are drawn up front from one stream, so the set does not depend
    // on how the two workers share them.
    let mut rng = Rng(seed | 1);
    let all: Vec<(usize, String, Case)> = (0..cases)
        .map(|n| {
            let (name, base) = &bases[rng.below(bases.len())];
            (n, name.clone(), case(base, &mut rng))
        })
        .collect();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let found = std::sync::Mutex::new(vec![]);
    let tally = std::sync::Mutex::new(Tally::new());
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some((n, name, c)) = all.get(i) else {
                        break;
                    };
                    let f = run_case(*n, name, c, &keep, &tally);
                    found.lock().unwrap().extend(f);
                }
            });
        }
    });
    let found = found.into_inner().unwrap();
    // Seen with --nocapture: how much of the budget got past validation.
    eprintln!("fuzz: {cases} cases, {:?}", tally.into_inner().unwrap());
    if found.is_empty() {
        return;
    }
    let mut classes: std::collections::BTreeMap<&str, Vec<&Found>> = Default::default();
    for f in &found {
        classes.entry(&f.class).or_default().push(f);
    }
    let mut report = format!("{} failures in {cases} cases (seed {seed}):\n", found.len());
    for (class, fs) in &classes {
        let f = fs[0];
        report.push_str(&format!(
            "  {class}: {} (e.g. `flowsim {}` on {})\n    {}\n",
            fs.len(),
            f.command,
            f.file.display(),
            f.stderr.lines().take(3).collect::<Vec<_>>().join("\n    ")
        ));
    }
    if std::env::var_os("FLOWSIM_FUZZ_KEEP").is_none() {
        // Keep the failing cases past the test for a look.
        let kept = tmp.keep();
        report.push_str(&format!("cases kept in {}\n", kept.display()));
    }
    panic!("{report}");
}
