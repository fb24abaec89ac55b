//! A closed-loop load generator: each client sends its next request when the previous
//! answer has been read in full, for a fixed time, and every latency is kept.
use std::future::Future;
use std::time::{Duration, Instant};

use crate::console::Console;
use crate::BenchError;

/// Latencies of one run.
pub struct Sample {
    /// Successful requests' latencies, sorted.
    pub latencies: Vec<Duration>,
    pub errors: u64,
    pub elapsed: Duration,
    /// CPU milliseconds used meanwhile: by the server, by PostgreSQL.
    pub cpu: (f64, f64),
}

impl Sample {
    /// The `q` quantile (0..=1) by nearest rank; zero when nothing succeeded.
    pub fn quantile(&self, q: f64) -> Duration {
        quantile(&self.latencies, q)
    }

    pub fn per_second(&self) -> f64 {
        self.latencies.len() as f64 / self.elapsed.as_secs_f64()
    }
}

/// The `q` quantile of sorted `values` by nearest rank.
pub fn quantile<T: Copy + Default>(sorted: &[T], q: f64) -> T {
    if sorted.is_empty() {
        return T::default();
    }
    let rank = (q * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Untimed load before each measured window: every client starts at the same instant,
/// and their first requests (and any new connections) arrive as one burst that a
/// running server does not see.
pub const WARM_UP: Duration = Duration::from_secs(1);

/// Runs `request` from every session in `sessions` at once for [`WARM_UP`] and then
/// `duration`, recording the requests started in the second part. `cpu` reads the CPU
/// time used so far (server, PostgreSQL); the sample holds how much that window used.
pub async fn closed_loop<F, Fut>(
    sessions: &[Console],
    duration: Duration,
    cpu: impl Fn() -> (f64, f64),
    request: F,
) -> Sample
where
    F: Fn(Console) -> Fut + Clone + Send + 'static,
    Fut: Future<Output = Result<(), BenchError>> + Send,
{
    let measured_from = Instant::now() + WARM_UP;
    let deadline = measured_from + duration;
    let mut tasks = tokio::task::JoinSet::new();
    for session in sessions {
        let (session, request) = (session.clone(), request.clone());
        tasks.spawn(async move {
            let (mut latencies, mut errors) = (Vec::new(), 0u64);
            while Instant::now() < deadline {
                let t0 = Instant::now();
                let result = request(session.clone()).await;
                if t0 < measured_from {
                    continue;
                }
                match result {
                    Ok(()) => latencies.push(t0.elapsed()),
                    Err(_) => errors += 1,
                }
            }
            (latencies, errors)
        });
    }
    tokio::time::sleep_until(measured_from.into()).await;
    let cpu_before = cpu();
    let (mut latencies, mut errors) = (Vec::new(), 0);
    while let Some(done) = tasks.join_next().await {
        if let Ok((l, e)) = done {
            latencies.extend(l);
            errors += e;
        }
    }
    let cpu_after = cpu();
    latencies.sort_unstable();
    Sample {
        latencies,
        errors,
        elapsed: measured_from.elapsed(),
        cpu: (cpu_after.0 - cpu_before.0, cpu_after.1 - cpu_before.1),
    }
}

/// GETs `path` as a signed-in browser and reads the whole page.
pub async fn get_page(c: Console, path: String) -> Result<(), BenchError> {
    let res = c.client.get(format!("{}{path}", c.base)).send().await?;
    if res.status() != reqwest::StatusCode::OK {
        return Err(BenchError::new(format!("{path}: {}", res.status())));
    }
    res.bytes().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_quantiles() {
        let v: Vec<u32> = (1..=100).collect();
        assert_eq!(quantile(&v, 0.5), 50);
        assert_eq!(quantile(&v, 0.99), 99);
        assert_eq!(quantile(&v, 1.0), 100);
        assert_eq!(quantile(&[7u32], 0.01), 7);
        assert_eq!(quantile::<u32>(&[], 0.5), 0);
    }
}
