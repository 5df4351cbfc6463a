//! `runner boot`: runs a kernel under QEMU (TCG), tees the serial console to a log,
//! enforces a host-side timeout and judges the guest's `##> guest-exit:` protocol.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

pub const EXIT_OK: i32 = 0;
pub const EXIT_ERROR: i32 = 1;
pub const EXIT_TIMEOUT: i32 = 2;
pub const EXIT_CRASH: i32 = 3;
pub const EXIT_NO_QEMU: i32 = 4;

/// The guest's architecture: QEMU's binary, machine, CPU and serial console.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Arch {
    #[value(name = "x86_64")]
    X86_64,
    #[value(name = "arm64")]
    Arm64,
}

impl Arch {
    /// The QEMU binary, and the Debian package that has it.
    pub fn qemu(self) -> (&'static str, &'static str) {
        match self {
            Arch::X86_64 => ("qemu-system-x86_64", "qemu-system-x86"),
            Arch::Arm64 => ("qemu-system-aarch64", "qemu-system-arm"),
        }
    }

    /// The serial console's device in the guest.
    pub fn console(self) -> &'static str {
        match self {
            Arch::X86_64 => "ttyS0",
            Arch::Arm64 => "ttyAMA0",
        }
    }
}

#[derive(Debug, Clone)]
pub struct BootOpts {
    pub arch: Arch,
    pub kernel: String,
    pub initrd: String,
    pub log: String,
    pub timeout: u64,
    pub icount: bool,
    pub append: String,
    pub mem: String,
    pub smp: String,
    pub qemu: String,
    pub quiet: bool,
    pub interactive: bool,
}

/// The kernel command line.
pub fn cmdline(arch: Arch, extra: &str) -> String {
    // console=: printk and /init output go to the serial port we read.
    // panic=-1: reboot immediately on panic (turned into QEMU exiting by -no-reboot).
    // oops=panic, panic_on_warn=1: every oops and WARN ends the run instead of limping on.
    let base = format!(
        "console={} panic=-1 oops=panic panic_on_warn=1",
        arch.console()
    );
    let extra = extra.trim();
    if extra.is_empty() {
        base
    } else {
        format!("{base} {extra}")
    }
}

/// QEMU's argument list.
pub fn qemu_args(o: &BootOpts) -> Vec<String> {
    let mut a: Vec<&str> = Vec::new();
    // Pure emulation: the pipeline must also run where KVM is unavailable.
    a.extend(["-accel", "tcg"]);
    match o.arch {
        // Every CPU feature TCG can emulate, so feature-dependent kernel paths get exercised;
        // under -icount without RDRAND/RDSEED, whose values would differ from boot to boot.
        Arch::X86_64 => a.extend([
            "-cpu",
            if o.icount {
                "max,-rdrand,-rdseed"
            } else {
                "max"
            },
        ]),
        // The virt board (GIC, PL011 UART, PSCI). -cpu max with QEMU's own pointer
        // authentication algorithm (the architected one is slow to emulate); under -icount a
        // Cortex-A72 (ARMv8.0), which has no RNDR whose values would differ between boots.
        Arch::Arm64 => a.extend([
            "-machine",
            "virt",
            "-cpu",
            if o.icount {
                "cortex-a72"
            } else {
                "max,pauth-impdef=on"
            },
        ]),
    }
    // Guest RAM and CPU count (SMP exercises the locking paths).
    a.extend(["-m", &o.mem, "-smp", &o.smp]);
    // Turn the guest's reboot into QEMU exiting: with panic=-1 every panic ends QEMU, and
    // tinyconfig has no ACPI power-off, so a clean run also ends with `reboot -f`.
    a.push("-no-reboot");
    // No display window; the console is serial only.
    a.push("-nographic");
    if o.interactive {
        // Serial console multiplexed with the monitor on the terminal (Ctrl-A X quits).
        a.extend(["-serial", "mon:stdio"]);
    } else {
        // No monitor: nothing may read or write our stdio besides the guest's serial port.
        a.extend(["-monitor", "none"]);
        // The serial console is QEMU's stdout, which we read line by line.
        a.extend(["-serial", "stdio"]);
    }
    a.extend(["-kernel", &o.kernel, "-initrd", &o.initrd]);
    if o.icount {
        // The guest clock counts executed instructions instead of host time: in-guest
        // timings become deterministic and independent of host load.
        a.extend(["-icount", "shift=0,align=off,sleep=off"]);
        // A fixed RTC that follows the virtual clock: the wall-clock time the guest reads at
        // boot seeds its random state (hash seeds, kernel stack offsets), which would otherwise
        // change the instruction counts from one boot to the next.
        a.extend(["-rtc", "base=2026-01-01T00:00:00,clock=vm"]);
        // QEMU's own randomness for the guest (the virt board's device-tree seeds for
        // KASLR and the RNG) from a fixed seed.
        a.extend(["-seed", "1"]);
    }
    let mut v: Vec<String> = a.into_iter().map(String::from).collect();
    v.push("-append".into());
    v.push(cmdline(o.arch, &o.append));
    v
}

fn no_qemu(o: &BootOpts, e: &std::io::Error) -> i32 {
    let (bin, pkg) = o.arch.qemu();
    eprintln!(
        "boot: cannot start {}: {e} (the Debian/Ubuntu package {pkg} provides {bin})",
        o.qemu
    );
    EXIT_NO_QEMU
}

/// Run QEMU with the terminal attached; replaces this process.
pub fn interactive(o: &BootOpts) -> i32 {
    use std::os::unix::process::CommandExt;
    let e = Command::new(&o.qemu).args(qemu_args(o)).exec();
    no_qemu(o, &e)
}

/// Kill QEMU (if still running) and reap it.
fn stop(child: &mut Child) {
    if let Ok(None) = child.try_wait() {
        let _ = child.kill();
    }
    let _ = child.wait();
}

/// Run a non-interactive boot; returns the process exit status.
pub fn run(o: &BootOpts) -> i32 {
    let start = Instant::now();
    let code = run_inner(o, start);
    eprintln!("boot: finished in {:.1} s", start.elapsed().as_secs_f64());
    code
}

fn run_inner(o: &BootOpts, start: Instant) -> i32 {
    let mut log = match File::create(&o.log) {
        Ok(f) => std::io::BufWriter::new(f),
        Err(e) => {
            eprintln!("boot: cannot create log {}: {e}", o.log);
            return EXIT_ERROR;
        }
    };
    let spawned = Command::new(&o.qemu)
        .args(qemu_args(o))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn();
    let mut child = match spawned {
        Ok(c) => c,
        Err(e) => return no_qemu(o, &e),
    };
    let Some(stdout) = child.stdout.take() else {
        stop(&mut child);
        eprintln!("boot: no stdout pipe from {}", o.qemu);
        return EXIT_ERROR;
    };
    // The reader thread blocks on the pipe; the main thread waits with a deadline, so the
    // timeout holds even if QEMU prints nothing at all.
    let (tx, rx) = mpsc::channel::<Vec<u8>>();
    std::thread::spawn(move || {
        let mut r = BufReader::new(stdout);
        loop {
            let mut buf = Vec::new();
            match r.read_until(b'\n', &mut buf) {
                Ok(0) | Err(_) => break,
                Ok(_) => {
                    if tx.send(buf).is_err() {
                        break;
                    }
                }
            }
        }
    });
    let deadline = start + Duration::from_secs(o.timeout);
    let mut tail: VecDeque<String> = VecDeque::new();
    let mut finished = false;
    let mut timed_out = false;
    let stdout = std::io::stdout();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        // Flush the log whenever QEMU has nothing more for now, so that it can be followed while
        // the guest runs.
        let buf = match rx.try_recv() {
            Ok(buf) => Ok(buf),
            Err(_) => {
                let _ = log.flush();
                rx.recv_timeout(left)
            }
        };
        let buf = match buf {
            Ok(buf) => buf,
            Err(RecvTimeoutError::Timeout) => {
                timed_out = true;
                break;
            }
            Err(RecvTimeoutError::Disconnected) => break,
        };
        let line = String::from_utf8_lossy(&buf);
        let line = line.trim_end_matches(['\n', '\r']);
        if line.contains("##> guest-exit: ok") {
            finished = true;
        }
        if let Err(e) = writeln!(log, "{line}") {
            stop(&mut child);
            eprintln!("boot: cannot write log {}: {e}", o.log);
            return EXIT_ERROR;
        }
        // Host time at each suite boundary: where a run spends its time.
        if line.contains("##> suite-") {
            let t = start.elapsed().as_secs_f64();
            if let Err(e) = writeln!(log, "##> host-time: {t:.1} s") {
                stop(&mut child);
                eprintln!("boot: cannot write log {}: {e}", o.log);
                return EXIT_ERROR;
            }
        }
        if !o.quiet {
            let _ = writeln!(stdout.lock(), "{line}");
        } else if let Some(suite) = line.split("##> suite-begin ").nth(1) {
            // Quiet runs still show where the guest is, and since when.
            let t = start.elapsed().as_secs_f64();
            eprintln!("  RUN     [{t:6.1} s] {}", suite.trim());
        }
        if tail.len() == crate::console::TAIL_LINES {
            tail.pop_front();
        }
        tail.push_back(line.to_string());
    }
    // QEMU closed its stdout: give it until the deadline to exit.
    while !timed_out {
        match child.try_wait() {
            Ok(Some(_)) | Err(_) => break,
            Ok(None) if Instant::now() >= deadline => timed_out = true,
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
        }
    }
    stop(&mut child);
    let (code, host_line, headline) = if timed_out {
        let t = o.timeout;
        (
            EXIT_TIMEOUT,
            format!("##> host: timeout after {t} s"),
            format!("boot: TIMEOUT after {t} s"),
        )
    } else if finished {
        (EXIT_OK, String::new(), String::new())
    } else {
        let l = "##> host: guest ended without its final line (crash)".to_string();
        (EXIT_CRASH, l, "boot: guest crashed".to_string())
    };
    if !host_line.is_empty() {
        if let Err(e) = writeln!(log, "{host_line}") {
            eprintln!("boot: cannot write log {}: {e}", o.log);
        }
        let mut err = format!(
            "{headline}; last {} console lines:\n",
            crate::console::TAIL_LINES
        );
        for l in &tail {
            err.push_str(l);
            err.push('\n');
        }
        eprint!("{err}");
    }
    if let Err(e) = log.flush() {
        eprintln!("boot: cannot write log {}: {e}", o.log);
        return EXIT_ERROR;
    }
    code
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(arch: Arch, icount: bool, append: &str) -> BootOpts {
        BootOpts {
            arch,
            kernel: "k".into(),
            initrd: "i".into(),
            log: "l".into(),
            timeout: 1,
            icount,
            append: append.into(),
            mem: "1G".into(),
            smp: "2".into(),
            qemu: "q".into(),
            quiet: true,
            interactive: false,
        }
    }

    #[test]
    fn args() {
        let a = qemu_args(&opts(Arch::X86_64, true, " x=1 ")).join(" ");
        assert!(a.starts_with(
            "-accel tcg -cpu max,-rdrand,-rdseed -m 1G -smp 2 -no-reboot -nographic -monitor none -serial stdio"
        ));
        assert!(a.contains("-icount shift=0,align=off,sleep=off"));
        assert!(a.contains("-rtc base=2026-01-01T00:00:00,clock=vm"));
        assert!(a.contains("-seed 1"));
        assert!(a.ends_with("-append console=ttyS0 panic=-1 oops=panic panic_on_warn=1 x=1"));
        assert!(!a.contains("-machine"));
    }

    #[test]
    fn args_arm64() {
        let a = qemu_args(&opts(Arch::Arm64, false, "")).join(" ");
        assert!(a.starts_with("-accel tcg -machine virt -cpu max,pauth-impdef=on -m 1G"));
        assert!(a.ends_with("-append console=ttyAMA0 panic=-1 oops=panic panic_on_warn=1"));
        assert!(!a.contains("-icount"));
        let a = qemu_args(&opts(Arch::Arm64, true, "")).join(" ");
        assert!(a.contains("-cpu cortex-a72 "));
        assert!(a.contains("-icount shift=0,align=off,sleep=off"));
    }
}
