//! Configuration of every pallet in the runtime, one file per concern.

pub mod consensus;
pub mod economy;
pub mod fees;
pub mod governance;
pub mod shielded;
pub mod system;
pub mod work;

pub use consensus::*;
pub use economy::*;
pub use fees::*;
pub use governance::*;
pub use shielded::*;
pub use system::*;
pub use work::*;
