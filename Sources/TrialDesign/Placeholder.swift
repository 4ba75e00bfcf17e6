import Survival
let _placeholder = SplitMix64(seed: 1)
