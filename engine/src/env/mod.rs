//! Small reinforcement-learning environments, deterministic or seeded, with
//! no rendering: [`GridWorld`] (tabular: states, actions, rewards and the full
//! transition table), [`CartPole`] (the classic pole-balancing physics) and
//! [`TicTacToe`] (legal moves, winner, canonical boards under symmetry).
//!
//! ```
//! use nma_engine::env::{CartPole, GridWorld, TicTacToe};
//!
//! let mut grid = GridWorld::classic();
//! let s = grid.reset();
//! let (_next, _reward, _done) = grid.step(GridWorld::RIGHT);
//! assert!(s < grid.num_states());
//!
//! let mut cart = CartPole::new(0);
//! let obs = cart.reset();
//! let (_obs, reward, _done) = cart.step(1);
//! assert_eq!((obs.len(), reward), (4, 1.0));
//!
//! let mut game = TicTacToe::new();
//! game.play(4);
//! assert_eq!(game.legal_moves().len(), 8);
//! ```

mod cartpole;
mod gridworld;
mod tictactoe;

pub use cartpole::CartPole;
pub use gridworld::GridWorld;
pub use tictactoe::{Cell, Outcome, TicTacToe};
