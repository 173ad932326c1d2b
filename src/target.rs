//! The target of an I/O experiment: the embedded mock API (started here, as a child process by
//! default) or a real API given with `--url`. For the embedded API it also reads and resets the
//! server's own counters around every run.

use std::time::Duration;

use anyhow::Context;

use crate::plan::TargetPlan;
use crate::record::{EmbeddedInfo, EmbeddedMode, StatsSnapshot, TargetInfo, TargetKind};
use crate::server::child::ChildServer;
use crate::server::{self, AdminToken};
use crate::workload::UrlTemplate;

enum Embedded {
    Child(ChildServer),
    InProcess(#[allow(dead_code, reason = "held only to keep the server running")] server::InProcess),
}

/// How long each phase of a call to the embedded API's admin routes may take.
const ADMIN_TIMEOUT: Duration = Duration::from_secs(10);

/// A started target.
pub struct Target {
    url: UrlTemplate,
    embedded: Option<(Embedded, String, EmbeddedInfo)>,
    /// The embedded API's admin secret, for resetting its counters.
    admin_token: Option<AdminToken>,
    admin: ureq::Agent,
}

impl Target {
    /// Starts the embedded API, or takes the external URL as is.
    pub fn start(plan: &TargetPlan) -> anyhow::Result<Self> {
        // Timeouts per phase, none on the whole call: with one, ureq resolves the host on a thread
        // of its own for every call, and these calls frame every measured run.
        let admin = ureq::Agent::config_builder()
            .http_status_as_error(true)
            .proxy(None)
            .timeout_connect(Some(ADMIN_TIMEOUT))
            .timeout_send_request(Some(ADMIN_TIMEOUT))
            .timeout_recv_response(Some(ADMIN_TIMEOUT))
            .timeout_recv_body(Some(ADMIN_TIMEOUT))
            .build()
            .new_agent();
        match plan {
            TargetPlan::External { url } => Ok(Target { url: url.clone(), embedded: None, admin_token: None, admin }),
            TargetPlan::Embedded { server, exe } => {
                let (handle, addr, token) = match server.mode {
                    EmbeddedMode::Child => {
                        let exe = match exe {
                            Some(exe) => exe.clone(),
                            None => crate::env::self_exe().context("finding this program to start the embedded API")?,
                        };
                        let child = ChildServer::spawn(&exe, &server.config, server.server_threads)?;
                        let (addr, token) = (child.addr(), child.admin_token().clone());
                        (Embedded::Child(child), addr, token)
                    }
                    EmbeddedMode::InProcess => {
                        let s = server::InProcess::start(
                            server.config.clone(),
                            ([127, 0, 0, 1], 0).into(),
                            server.server_threads,
                        )
                        .context("starting the embedded API in-process")?;
                        let (addr, token) = (s.addr(), s.admin_token().clone());
                        (Embedded::InProcess(s), addr, token)
                    }
                };
                let base = format!("http://{addr}");
                let url = UrlTemplate::parse(&format!("{base}/api/items/{{i}}")).map_err(anyhow::Error::msg)?;
                Ok(Target { url, embedded: Some((handle, base, server.clone())), admin_token: Some(token), admin })
            }
        }
    }

    pub fn url(&self) -> &UrlTemplate {
        &self.url
    }

    /// The base URL of the embedded API (`http://127.0.0.1:PORT`).
    pub fn embedded_base(&self) -> Option<&str> {
        self.embedded.as_ref().map(|(_, base, _)| base.as_str())
    }

    /// What the preflight request asks for: the first request of the run for an external API;
    /// the embedded API's `/health` (which no latency, cap or barrier delays).
    pub fn preflight_url(&self) -> String {
        match self.embedded_base() {
            Some(base) => format!("{base}/health"),
            None => self.url.render(0),
        }
    }

    /// The secret the embedded API's `POST /stats/reset` needs (`None` for an external target).
    pub fn admin_secret(&self) -> Option<&str> {
        self.admin_token.as_ref().map(AdminToken::secret)
    }

    /// Process id of the embedded API when it runs as a child.
    pub fn server_pid(&self) -> Option<u32> {
        match &self.embedded {
            Some((Embedded::Child(c), _, _)) => Some(c.pid()),
            _ => None,
        }
    }

    pub fn info(&self) -> TargetInfo {
        TargetInfo {
            kind: if self.embedded.is_some() { TargetKind::Embedded } else { TargetKind::External },
            url_template: self.url.as_str().to_string(),
            embedded: self.embedded.as_ref().map(|(_, _, info)| info.clone()),
        }
    }

    /// Zeroes the embedded API's counters (nothing for an external target).
    pub fn reset_stats(&self) -> anyhow::Result<()> {
        if let Some(base) = self.embedded_base() {
            let secret = self.admin_token.as_ref().map_or("", |t| t.secret());
            self.admin
                .post(format!("{base}/stats/reset"))
                .header("authorization", format!("Bearer {secret}"))
                .send_empty()
                .context("resetting the embedded API's counters")?;
        }
        Ok(())
    }

    /// The embedded API's counters since the last reset (`None` for an external target).
    pub fn stats(&self) -> anyhow::Result<Option<StatsSnapshot>> {
        let Some(base) = self.embedded_base() else { return Ok(None) };
        let body = self
            .admin
            .get(format!("{base}/stats"))
            .call()
            .context("reading the embedded API's counters")?
            .body_mut()
            .read_to_string()?;
        Ok(Some(serde_json::from_str(&body).context("parsing the embedded API's counters")?))
    }
}
