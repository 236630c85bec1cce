/**
 * The fixed vocabulary of the sample shop: categories, subcategories, brands, description templates,
 * customer segments and the accessory rules behind co-purchased pairs. All brands are fictional.
 */

/** A second-level category with what it takes to make believable items. */
export interface Subcategory {
  /** CATEGORY_L2 value. */
  readonly id: string;
  /** Noun used in descriptions, e.g. "phone case". */
  readonly noun: string;
  /** Whole-dollar price range; prices end in .99. */
  readonly price: readonly [number, number];
  /** Short selling points; may contain commas and quotes (exercising CSV quoting). */
  readonly features: readonly string[];
}

/** A top-level category (CATEGORY_L1). */
export interface Category {
  readonly id: string;
  readonly brands: readonly string[];
  readonly subcategories: readonly Subcategory[];
}

/** A customer segment: what it shops for and who is in it. */
export interface SegmentProfile {
  readonly name: string;
  /** Categories (CATEGORY_L1) the segment has strong affinity for. */
  readonly categories: readonly string[];
  /** Relative size of the segment. */
  readonly share: number;
  /** Relative weights over {@link AGE_GROUPS}. */
  readonly ageWeights: readonly number[];
}

/** Buying a primary item makes buying its accessory likely soon after. */
export interface AccessoryRule {
  readonly primary: string;
  readonly accessory: string;
}

const sub = (
  id: string,
  noun: string,
  price: readonly [number, number],
  features: readonly string[],
): Subcategory => ({ id, noun, price, features });

export const CATEGORIES: readonly Category[] = [
  {
    id: 'electronics',
    brands: ['Voltra', 'Nexacore', 'Lumio', 'Auralink', 'Pixelon'],
    subcategories: [
      sub('phones', 'smartphone', [299, 999], ['6.1" OLED display', 'all-day battery', 'dual camera, night mode']),
      sub('phone_cases', 'phone case', [9, 39], ['drop tested to 2 m', 'slim, grippy edges', 'wireless-charging friendly']),
      sub('laptops', 'laptop', [549, 1899], ['14" screen, 16 GB RAM', 'backlit keyboard', 'fast SSD storage']),
      sub('laptop_bags', 'laptop bag', [29, 119], ['padded 15" sleeve', 'water-resistant fabric', 'hidden pockets']),
      sub('headphones', 'pair of headphones', [39, 349], ['active noise cancelling', '30-hour battery', 'foldable, with case']),
      sub('cameras', 'camera', [399, 1499], ['24 MP sensor', '4K video', 'weather-sealed body']),
      sub('memory_cards', 'memory card', [12, 79], ['128 GB, UHS-I', 'fast burst writes', 'lifetime warranty']),
      sub('smart_home', 'smart plug', [15, 89], ['works with voice assistants', 'energy monitoring', 'easy app setup']),
    ],
  },
  {
    id: 'fashion',
    brands: ['Marlowe & Finch', 'Urban Thread', 'Solenne', 'Northloom'],
    subcategories: [
      sub('dresses', 'dress', [39, 189], ['flowing midi cut', 'breathable linen', 'hidden side pockets']),
      sub('jeans', 'pair of jeans', [39, 129], ['stretch denim', 'slim fit, mid rise', 'sustainably dyed']),
      sub('sneakers', 'pair of sneakers', [49, 179], ['cushioned sole', 'knit upper', 'everyday comfort']),
      sub('jackets', 'jacket', [69, 299], ['water-repellent shell', 'quilted lining', 'two-way zip']),
      sub('accessories', 'scarf', [15, 79], ['soft merino wool', 'generous length', 'gift boxed']),
    ],
  },
  {
    id: 'beauty',
    brands: ['Glowlab', 'Verdanne', 'Petalis', 'Aurea'],
    subcategories: [
      sub('skincare', 'face serum', [14, 89], ['with hyaluronic acid', 'fragrance free', 'dermatologist tested']),
      sub('makeup', 'lipstick', [9, 39], ['long-wearing, matte finish', 'nourishing formula', 'twelve shades']),
      sub('fragrance', 'eau de parfum', [39, 149], ['notes of cedar, bergamot', 'long-lasting', 'travel atomizer']),
      sub('haircare', 'shampoo', [8, 34], ['sulfate free', 'for curly hair', 'salon quality']),
    ],
  },
  {
    id: 'home',
    brands: ['Hearthly', 'Casamora', 'Brewhaus', 'Nestwell'],
    subcategories: [
      sub('cookware', 'frying pan', [24, 179], ['non-stick, PFAS free', 'oven safe to 260 °C', 'induction ready']),
      sub('coffee_makers', 'coffee maker', [49, 399], ['programmable timer', 'thermal carafe', 'brews 10 cups']),
      sub('bedding', 'duvet cover', [39, 169], ['organic cotton', 'button closure', 'stonewashed, soft']),
      sub('decor', 'table lamp', [29, 149], ['warm dimmable light', 'ceramic base', 'linen shade']),
      sub('storage', 'storage basket', [12, 59], ['woven seagrass', 'stackable', 'sturdy handles']),
    ],
  },
  {
    id: 'sports',
    brands: ['Strideon', 'Trailpeak', 'Corefit', 'Velocita'],
    subcategories: [
      sub('running_shoes', 'pair of running shoes', [69, 219], ['responsive foam', 'breathable mesh', '8 mm drop']),
      sub('running_socks', 'pack of running socks', [9, 29], ['blister resistant', 'moisture wicking', 'arch support']),
      sub('yoga', 'yoga mat', [19, 99], ['6 mm thick, non-slip', 'carry strap included', 'eco-friendly rubber']),
      sub('fitness_equipment', 'set of dumbbells', [29, 249], ['adjustable weight', 'compact stand', 'rubber coated']),
      sub('tents', 'camping tent', [89, 499], ['sleeps 2, 2.1 kg', 'quick pitch', 'storm-proof flysheet']),
      sub('sleeping_bags', 'sleeping bag', [49, 249], ['rated to -5 °C', 'packs small', 'two-way zipper']),
      sub('cycling', 'bike helmet', [39, 199], ['MIPS protection', 'magnetic buckle', 'integrated light']),
    ],
  },
  {
    id: 'books',
    brands: ['Pagewright Press', 'Inkwell House', 'Lantern Books'],
    subcategories: [
      sub('fiction', 'novel', [9, 29], ['a sweeping family saga', 'award-winning author', 'book-club favourite']),
      sub('mystery', 'mystery novel', [9, 24], ['a locked-room puzzle', 'twists until the last page', 'series opener']),
      sub('cookbooks', 'cookbook', [19, 45], ['120 weeknight recipes', 'full-colour photos', 'vegetarian chapter']),
      sub('children', "children's book", [6, 19], ['rhyming read-aloud', 'ages 3 to 6', 'sturdy board pages']),
      sub('science', 'popular science book', [14, 35], ['clear, witty explanations', 'illustrated', 'bestseller']),
    ],
  },
  {
    id: 'toys',
    brands: ['Brickly', 'Playforge', 'Puzzlewood', 'Joystix'],
    subcategories: [
      sub('board_games', 'board game', [19, 69], ['2 to 6 players', '45-minute games', 'family friendly']),
      sub('puzzles', 'jigsaw puzzle', [12, 39], ['1000 pieces', 'premium matte finish', 'poster included']),
      sub('building_sets', 'building set', [19, 149], ['640 pieces', 'ages 8+', 'motorised parts']),
      sub('video_games', 'video game', [29, 69], ['open-world adventure', 'co-op multiplayer', 'rated T for Teen']),
      sub('game_controllers', 'game controller', [39, 89], ['wireless, low latency', 'rechargeable', 'remappable buttons']),
    ],
  },
  {
    id: 'grocery',
    brands: ['Bean & Leaf', 'Harvest Table', 'Crumbly'],
    subcategories: [
      sub('coffee_beans', 'bag of coffee beans', [9, 29], ['single origin, medium roast', 'notes of cocoa', '1 kg']),
      sub('tea', 'loose-leaf tea', [7, 24], ['first flush', 'resealable tin', 'organic']),
      sub('snacks', 'snack box', [6, 29], ['sea salt, rosemary', 'no added sugar', 'variety pack']),
      sub('pantry', 'olive oil', [8, 34], ['cold pressed', 'extra virgin', 'harvest dated']),
    ],
  },
];

export const ADJECTIVES: readonly string[] = [
  'Classic',
  'Compact',
  'Everyday',
  'Premium',
  'Lightweight',
  'Durable',
  'Modern',
  'Essential',
  'Deluxe',
  'Versatile',
];

export const PRAISE: readonly string[] = [
  'built to last',
  'easy to clean',
  'customer favourite',
  'great value',
  'thoughtfully designed',
  'gift ready',
];

export const AGE_GROUPS: readonly string[] = ['18-24', '25-34', '35-44', '45-54', '55+'];

export const MEMBERSHIPS: readonly string[] = ['basic', 'plus', 'premium'];

export const REGIONS: readonly string[] = ['northeast', 'southeast', 'midwest', 'southwest', 'west'];

export const SEGMENTS: readonly SegmentProfile[] = [
  { name: 'gadget-lovers', categories: ['electronics'], share: 18, ageWeights: [3, 4, 3, 1, 1] },
  { name: 'style-seekers', categories: ['fashion', 'beauty'], share: 17, ageWeights: [4, 4, 2, 1, 1] },
  { name: 'home-cooks', categories: ['home', 'grocery'], share: 16, ageWeights: [1, 2, 4, 3, 2] },
  { name: 'athletes', categories: ['sports'], share: 14, ageWeights: [3, 4, 3, 2, 1] },
  { name: 'bookworms', categories: ['books'], share: 12, ageWeights: [1, 1, 2, 3, 4] },
  { name: 'parents', categories: ['toys', 'books'], share: 12, ageWeights: [0, 3, 5, 2, 0] },
  { name: 'gamers', categories: ['electronics', 'toys'], share: 11, ageWeights: [5, 4, 1, 0, 0] },
];

export const ACCESSORY_RULES: readonly AccessoryRule[] = [
  { primary: 'phones', accessory: 'phone_cases' },
  { primary: 'laptops', accessory: 'laptop_bags' },
  { primary: 'cameras', accessory: 'memory_cards' },
  { primary: 'running_shoes', accessory: 'running_socks' },
  { primary: 'tents', accessory: 'sleeping_bags' },
  { primary: 'coffee_makers', accessory: 'coffee_beans' },
  { primary: 'video_games', accessory: 'game_controllers' },
  { primary: 'cookware', accessory: 'cookbooks' },
];
