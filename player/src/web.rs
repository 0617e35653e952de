//! The local page: loopback HTTP serves it, a WebSocket carries frames to it and keys and
//! "drawn" reports back.
//!
//! Frames go through a `watch` channel, which holds only the newest: when the page is slower
//! than the stream, older frames are dropped here, never queued. One page at a time; a second
//! one is refused while the first is open.

use anyhow::{Context, Result};
use futures::{SinkExt, StreamExt};
use http_body_util::Full;
use hyper::{body::Bytes, header, server::conn::http1, service::service_fn, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use pgt_net::{Encoding, Frame};
use serde::Deserialize;
use std::{
	net::SocketAddr,
	sync::{
		atomic::{AtomicBool, Ordering},
		Arc,
	},
	time::Instant,
};
use tokio::sync::{mpsc, watch};
use tokio_tungstenite::{
	tungstenite::{handshake::derive_accept_key, protocol::Role, Message},
	WebSocketStream,
};

/// The page.
pub const INDEX_HTML: &str = include_str!("web/index.html");

/// Bytes of a frame's header on the WebSocket: number (u64), tick (u64), width (u16), height
/// (u16), encoding (u8: 0 JPEG, 1 raw), source (u8: which host, +1 at every takeover), all
/// little endian; the pixels follow.
pub const FRAME_HEADER_LEN: usize = 22;

/// What the page tells the player.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageEvent {
	/// A page connected.
	Opened,
	/// The keys held now (the game's key bits).
	Keys(u8),
	/// Frame `number` of host `source` was drawn (when the report arrived).
	Drawn {
		/// The frame.
		number: u64,
		/// Which host's frame (the frame header's source).
		source: u8,
		/// When the report arrived.
		at: Instant,
	},
	/// The page closed.
	Closed,
}

#[derive(Deserialize)]
#[serde(tag = "t", rename_all = "lowercase")]
enum FromPage {
	Keys {
		keys: u8,
	},
	Drawn {
		n: u64,
		#[serde(default)]
		g: u8,
	},
}

/// The player's end of the page.
pub struct PageHandle {
	/// Where the page is served.
	pub addr: SocketAddr,
	/// The newest frame, encoded for the page.
	pub frames: watch::Sender<Option<Arc<Vec<u8>>>>,
	/// Text messages (JSON) for the page.
	pub texts: mpsc::Sender<String>,
	/// What the page says.
	pub events: mpsc::Receiver<PageEvent>,
}

/// A frame of host `source` as the page reads it.
pub fn page_frame(frame: &Frame, source: u8) -> Vec<u8> {
	let mut out = Vec::with_capacity(FRAME_HEADER_LEN + frame.data.len());
	out.extend_from_slice(&frame.number.to_le_bytes());
	out.extend_from_slice(&frame.tick.to_le_bytes());
	out.extend_from_slice(&frame.width.to_le_bytes());
	out.extend_from_slice(&frame.height.to_le_bytes());
	out.push(match frame.encoding {
		Encoding::Jpeg => 0,
		Encoding::Raw => 1,
	});
	out.push(source);
	out.extend_from_slice(&frame.data);
	out
}

struct Shared {
	frames: watch::Receiver<Option<Arc<Vec<u8>>>>,
	texts: tokio::sync::Mutex<mpsc::Receiver<String>>,
	events: mpsc::Sender<PageEvent>,
	open: AtomicBool,
}

/// Serves the page on `addr` (loopback) until the handle is dropped.
pub async fn serve(addr: SocketAddr) -> Result<PageHandle> {
	let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("cannot listen on {addr}"))?;
	let addr = listener.local_addr()?;
	let (frames_tx, frames_rx) = watch::channel(None);
	let (texts_tx, texts_rx) = mpsc::channel(64);
	let (events_tx, events_rx) = mpsc::channel(1024);
	let shared = Arc::new(Shared {
		frames: frames_rx,
		texts: tokio::sync::Mutex::new(texts_rx),
		events: events_tx,
		open: AtomicBool::new(false),
	});
	tokio::spawn(async move {
		loop {
			let Ok((tcp, _)) = listener.accept().await else { continue };
			let _ = tcp.set_nodelay(true);
			let shared = shared.clone();
			tokio::spawn(async move {
				let service = service_fn(move |req| {
					let shared = shared.clone();
					async move { Ok::<_, std::convert::Infallible>(route(req, shared)) }
				});
				let _ = http1::Builder::new().serve_connection(TokioIo::new(tcp), service).with_upgrades().await;
			});
		}
	});
	Ok(PageHandle { addr, frames: frames_tx, texts: texts_tx, events: events_rx })
}

fn response(status: StatusCode, content_type: &str, body: impl Into<Bytes>) -> Response<Full<Bytes>> {
	let mut r = Response::new(Full::new(body.into()));
	*r.status_mut() = status;
	if let Ok(v) = content_type.parse() {
		r.headers_mut().insert(header::CONTENT_TYPE, v);
	}
	r
}

fn route(mut req: Request<hyper::body::Incoming>, shared: Arc<Shared>) -> Response<Full<Bytes>> {
	match req.uri().path() {
		"/" | "/index.html" => response(StatusCode::OK, "text/html; charset=utf-8", INDEX_HTML),
		"/ws" => {
			let key = req.headers().get(header::SEC_WEBSOCKET_KEY).map(|k| derive_accept_key(k.as_bytes()));
			let upgrade = req
				.headers()
				.get(header::UPGRADE)
				.and_then(|v| v.to_str().ok())
				.is_some_and(|v| v.eq_ignore_ascii_case("websocket"));
			let Some(accept) = key.filter(|_| upgrade) else {
				return response(StatusCode::BAD_REQUEST, "text/plain", "a WebSocket upgrade is expected here");
			};
			if shared.open.swap(true, Ordering::SeqCst) {
				return response(StatusCode::CONFLICT, "text/plain", "the game is already open in another page");
			}
			let on_upgrade = hyper::upgrade::on(&mut req);
			tokio::spawn(async move {
				match on_upgrade.await {
					Ok(upgraded) => {
						let ws = WebSocketStream::from_raw_socket(TokioIo::new(upgraded), Role::Server, None).await;
						page(ws, shared.clone()).await;
					},
					Err(e) => tracing::warn!(error = %e, "the page's WebSocket upgrade failed"),
				}
				shared.open.store(false, Ordering::SeqCst);
			});
			let mut r = response(StatusCode::SWITCHING_PROTOCOLS, "text/plain", "");
			let h = r.headers_mut();
			h.insert(header::CONNECTION, header::HeaderValue::from_static("Upgrade"));
			h.insert(header::UPGRADE, header::HeaderValue::from_static("websocket"));
			if let Ok(v) = accept.parse() {
				h.insert(header::SEC_WEBSOCKET_ACCEPT, v);
			}
			r
		},
		_ => response(StatusCode::NOT_FOUND, "text/plain", "not found"),
	}
}

async fn page<S>(ws: WebSocketStream<S>, shared: Arc<Shared>)
where
	S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
	let (mut tx, mut rx) = ws.split();
	let mut frames = shared.frames.clone();
	frames.mark_unchanged();
	let mut texts = shared.texts.lock().await;
	let _ = shared.events.send(PageEvent::Opened).await;
	loop {
		tokio::select! {
			changed = frames.changed() => {
				if changed.is_err() { break; }
				let frame = frames.borrow_and_update().clone();
				if let Some(bytes) = frame {
					if tx.send(Message::Binary(bytes.as_ref().clone().into())).await.is_err() { break; }
				}
			},
			text = texts.recv() => match text {
				Some(t) => { if tx.send(Message::Text(t.into())).await.is_err() { break; } },
				None => break,
			},
			m = rx.next() => match m {
				Some(Ok(Message::Text(t))) => match serde_json::from_str::<FromPage>(&t) {
					Ok(FromPage::Keys { keys }) => { let _ = shared.events.try_send(PageEvent::Keys(keys)); },
					Ok(FromPage::Drawn { n, g }) => { let _ = shared.events.try_send(PageEvent::Drawn { number: n, source: g, at: Instant::now() }); },
					Err(e) => tracing::debug!(error = %e, "the page sent something unexpected"),
				},
				Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
				Some(Ok(_)) => {},
			},
		}
	}
	let _ = shared.events.send(PageEvent::Closed).await;
}
